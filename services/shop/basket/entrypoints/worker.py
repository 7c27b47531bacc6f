"""`shop run basket-worker`: keeps the basket's copy of the catalog current."""

from __future__ import annotations

import sys

from shop.basket.bootstrap import bootstrap
from shop.basket.entrypoints.consumers import event_handlers
from shop.basket.settings import BasketSettings
from shop.common.consumer import ConsumerMetrics, EventConsumer
from shop.common.graceful import run_until_cancelled
from shop.common.metrics_http import new_registry
from shop.common.process import ProcessContext
from shop.common.worker import run_worker
from shop.topology import CONSUMES, consumer_group


def main() -> int:
    settings = BasketSettings(service_name="basket-worker")
    registry = new_registry()
    metrics = ConsumerMetrics(registry)

    async def consume(process: ProcessContext) -> None:
        basket = bootstrap(process.engine)
        consumer = EventConsumer(
            group=consumer_group("basket"),
            topics=[topic.name for topic in CONSUMES["basket"]],
            handlers=event_handlers(basket.bus),
            uow_factory=basket.unit_of_work,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            metrics=metrics,
        )
        await run_until_cancelled(consumer.run)

    return run_worker(settings=settings, registry=registry, tasks={"product-events": consume})


if __name__ == "__main__":
    sys.exit(main())
