"""The Kafka consumer of a context's worker: its group, the topics it consumes, its tuning.

A worker creates its `ContextConsumer` in `main()`, so bad `ConsumerSettings` keep the process
from starting, and runs it from a worker task with the handlers and units of work it wired."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from prometheus_client import CollectorRegistry

from shop.common.consumer import ConsumerMetrics, EventConsumer, EventHandlers
from shop.common.consumer.routing import U
from shop.common.consumer.settings import ConsumerSettings
from shop.common.graceful import run_until_cancelled
from shop.common.settings import ServiceSettings
from shop.topology import CONSUMES, consumer_group


class ContextConsumer:
    """Consumes for `context` (group, topics: `shop.topology`), tuned by `ConsumerSettings`."""

    def __init__(
        self,
        context: str,
        settings: ServiceSettings,
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
        options = ConsumerSettings.for_schema(context).options()
        self.options = dataclasses.replace(options, batch_size=1) if alone else options
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
        )
        await run_until_cancelled(consumer.run)
