"""`shop run catalog-worker`: applies the saga's stock commands from Kafka."""

from __future__ import annotations

import sys

from shop.catalog.bootstrap import bootstrap
from shop.catalog.entrypoints.consumers import event_handlers
from shop.catalog.settings import CatalogSettings
from shop.common.consumer import ConsumerMetrics, EventConsumer
from shop.common.graceful import run_until_cancelled
from shop.common.metrics_http import new_registry
from shop.common.process import ProcessContext
from shop.common.worker import run_worker
from shop.topology import CONSUMES, consumer_group


def main() -> int:
    settings = CatalogSettings(service_name="catalog-worker")
    registry = new_registry()
    metrics = ConsumerMetrics(registry)

    async def consume_saga_commands(process: ProcessContext) -> None:
        catalog = bootstrap(process.engine)
        consumer = EventConsumer(
            group=consumer_group("catalog"),
            topics=[topic.name for topic in CONSUMES["catalog"]],
            handlers=event_handlers(catalog.bus),
            uow_factory=catalog.unit_of_work,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            metrics=metrics,
        )
        await run_until_cancelled(consumer.run)

    return run_worker(
        settings=settings, registry=registry, tasks={"saga-commands": consume_saga_commands}
    )


if __name__ == "__main__":
    sys.exit(main())
