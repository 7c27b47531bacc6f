"""A context's worker process (`shop run <context>-worker`), wired the same way in all six.

A context's `entrypoints/worker.py` builds its settings in `main()` and hands a `wire` hook to
`run_context_worker`; the hook bootstraps the context on the process's engine and says what
the worker consumes with (payment's):

    async def wire(process: ProcessContext) -> Consuming[SqlPaymentUnitOfWork]:
        payments = bootstrap(process.engine, mock_gateway(settings))
        return Consuming(routes(payments.bus, INBOUND), payments.unit_of_work)

    return run_context_worker("payment", settings, wire, alone=True)

The consumer (`ContextConsumer`: group and topics from `shop.topology`, tuning and inbox
retention from the process's settings) is built before the process starts.
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
from shop.common.consumer.routing import U
from shop.common.graceful import run_until_cancelled
from shop.common.metrics_http import new_registry
from shop.common.process import ProcessContext
from shop.common.process_settings import ContextProcessSettings
from shop.common.worker import run_worker
from shop.topology import CONSUMES, consumer_group


@dataclass(frozen=True)
class Consuming(Generic[U]):
    """What a wired worker consumes with, and the other tasks it runs (ordering's timer)."""

    routes: EventHandlers[U]
    unit_of_work: Callable[[], U]
    tasks: Mapping[str, TaskFactory] = field(default_factory=lambda: MappingProxyType({}))


Wire = Callable[[ProcessContext], Awaitable[Consuming[Any]]]
"""Bootstraps the context on the started process; registers cleanups on its exit stack."""


def run_context_worker(
    context: str, settings: ContextProcessSettings, wire: Wire, *, alone: bool = False
) -> int:
    """Run `context`'s worker until SIGTERM/SIGINT (`alone`: see `ContextConsumer`)."""
    registry = new_registry()
    consumer = ContextConsumer(context, settings, registry, alone=alone)

    async def start(process: ProcessContext) -> None:
        wired = await wire(process)
        process.add_background_task(
            f"{context}-consumer",
            functools.partial(consumer.run, wired.routes, wired.unit_of_work),
        )
        for name, task in wired.tasks.items():
            process.add_background_task(name, task)

    return run_worker(settings=settings, registry=registry, lifespan_hooks=[start])


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

    async def run(self, handlers: EventHandlers[U], uow_factory: Callable[[], U]) -> None:
        """Consume with `handlers` until cancelled (the worker's shutdown), then leave the group."""
        consumer = EventConsumer(
            group=self.group,
            topics=self.topics,
            handlers=handlers,
            uow_factory=uow_factory,
            bootstrap_servers=self._bootstrap_servers,
            metrics=self._metrics,
            options=self.options,
            inbox=self.inbox,
        )
        await run_until_cancelled(consumer.run)
