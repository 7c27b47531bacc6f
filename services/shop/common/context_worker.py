"""A context's worker process (`shop run <context>-worker`), wired the same way in all six.

A context's `entrypoints/worker.py` has a `context_worker(settings)`: a `ContextWorker` whose
`wire` hook bootstraps the context on the process's engine and says what the worker consumes
with (payment's):

    def context_worker(settings: PaymentSettings) -> ContextWorker:
        async def wire(process: ProcessContext) -> Consuming[SqlPaymentUnitOfWork]:
            payments = bootstrap(process.engine, mock_gateway(settings), settings.outbox_mode)
            return Consuming(routes(payments.bus, INBOUND), payments.unit_of_work)

        return ContextWorker("payment", settings, wire, alone=True)

`main()` runs it alone, `run_context_worker(context_worker(PaymentSettings(...)))`; a process
hosting the context's API as well adds `worker.lifespan_hook(registry)` to the API's process
(`shop.common.context_process`). The consumer (`ContextConsumer`: group and topics from
`shop.topology`, tuning and inbox retention from the settings) is built before the process starts.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Generic

from prometheus_client import CollectorRegistry

from shop.common.background import TaskFactory
from shop.common.consumer import ConsumerMetrics, EventConsumer, EventHandlers
from shop.common.consumer.chunk_locks import ChunkPreparer
from shop.common.consumer.routing import U
from shop.common.graceful import run_until_cancelled
from shop.common.metrics_http import new_registry
from shop.common.process import LifespanHook, ProcessContext
from shop.common.process_settings import ContextProcessSettings
from shop.common.worker import run_worker
from shop.topology import CONSUMES, consumer_group


@dataclass(frozen=True)
class Consuming(Generic[U]):
    """What a wired worker consumes with, and the other tasks it runs (ordering's timer);
    `prepare`: what locks a chunk's rows before its first message (`chunk_locks`: catalog's,
    ordering's)."""

    routes: EventHandlers[U]
    unit_of_work: Callable[[], U]
    tasks: Mapping[str, TaskFactory] = field(default_factory=lambda: MappingProxyType({}))
    prepare: ChunkPreparer[U] | None = None


Wire = Callable[[ProcessContext], Awaitable[Consuming[Any]]]
"""Bootstraps the context on the started process; registers cleanups on its exit stack."""


@dataclass(frozen=True)
class ContextWorker:
    """A context's worker: its settings, its wiring, and whether each message goes alone
    (`alone`: see `ContextConsumer`)."""

    context: str
    settings: ContextProcessSettings
    wire: Wire
    alone: bool = False

    def lifespan_hook(self, registry: CollectorRegistry) -> LifespanHook:
        """Wires the context on the started process and runs its consumer (and its other
        tasks) as the process's background tasks; metrics go to `registry`."""
        consumer = ContextConsumer(self.context, self.settings, registry, alone=self.alone)

        async def start(process: ProcessContext) -> None:
            wired = await self.wire(process)
            process.add_background_task(
                f"{self.context}-consumer",
                functools.partial(consumer.run, wired.routes, wired.unit_of_work, wired.prepare),
            )
            for name, task in wired.tasks.items():
                process.add_background_task(name, task)

        return start


def run_context_worker(worker: ContextWorker) -> int:
    """Run `worker` as a process of its own until SIGTERM/SIGINT."""
    registry = new_registry()
    return run_worker(
        settings=worker.settings, registry=registry, lifespan_hooks=[worker.lifespan_hook(registry)]
    )


class ContextConsumer:
    """Consumes for `context` (group, topics: `shop.topology`), tuned by the process's settings."""

    def __init__(
        self,
        context: str,
        settings: ContextProcessSettings,
        registry: CollectorRegistry,
        *,
        alone: bool = False,
    ) -> None:
        """`alone`: apply each message in its own transaction, whatever the batch size set.
        For handlers that reach outside the database (a payment gateway, a mail server): a
        failing message would roll back, and so repeat, its neighbours' outside effects."""
        if context not in CONSUMES:
            raise ValueError(f"{context!r} consumes nothing; contexts: {sorted(CONSUMES)}")
        self.group = consumer_group(context)
        self.topics = [topic.name for topic in CONSUMES[context]]
        options = settings.consumer
        self.options = dataclasses.replace(options, batch_size=1) if alone else options
        self.inbox = settings.inbox
        self._bootstrap_servers = settings.kafka_bootstrap_servers
        self._metrics = ConsumerMetrics(registry)

    async def run(
        self,
        handlers: EventHandlers[U],
        uow_factory: Callable[[], U],
        prepare: ChunkPreparer[U] | None = None,
    ) -> None:
        """Consume with `handlers` (and `prepare`, see `Consuming`) until cancelled (the
        worker's shutdown), then leave the group."""
        consumer = EventConsumer(
            group=self.group,
            topics=self.topics,
            handlers=handlers,
            uow_factory=uow_factory,
            bootstrap_servers=self._bootstrap_servers,
            metrics=self._metrics,
            options=self.options,
            inbox=self.inbox,
            prepare=prepare,
        )
        await run_until_cancelled(consumer.run)
