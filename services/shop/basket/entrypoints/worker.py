"""`shop run basket-worker`: keeps the basket's copy of the catalog current."""

from __future__ import annotations

import sys

from shop.basket.bootstrap import bootstrap
from shop.basket.entrypoints.consumers import event_handlers
from shop.basket.settings import BasketSettings
from shop.common.context_consumer import ContextConsumer
from shop.common.metrics_http import new_registry
from shop.common.process import ProcessContext
from shop.common.worker import run_worker


def main() -> int:
    settings = BasketSettings(service_name="basket-worker")
    registry = new_registry()
    consumer = ContextConsumer("basket", settings, registry)

    async def consume(process: ProcessContext) -> None:
        basket = bootstrap(process.engine)
        await consumer.run(event_handlers(basket.bus), basket.unit_of_work)

    return run_worker(settings=settings, registry=registry, tasks={"product-events": consume})


if __name__ == "__main__":
    sys.exit(main())
