"""`shop run catalog-worker`: applies the saga's stock commands from Kafka."""

from __future__ import annotations

import sys

from shop.catalog.bootstrap import bootstrap
from shop.catalog.entrypoints.consumers import event_handlers
from shop.catalog.settings import CatalogSettings
from shop.common.context_consumer import ContextConsumer
from shop.common.metrics_http import new_registry
from shop.common.process import ProcessContext
from shop.common.worker import run_worker


def main() -> int:
    settings = CatalogSettings(service_name="catalog-worker")
    registry = new_registry()
    consumer = ContextConsumer("catalog", settings, registry)

    async def consume_saga_commands(process: ProcessContext) -> None:
        catalog = bootstrap(process.engine)
        await consumer.run(event_handlers(catalog.bus), catalog.unit_of_work)

    return run_worker(
        settings=settings, registry=registry, tasks={"saga-commands": consume_saga_commands}
    )


if __name__ == "__main__":
    sys.exit(main())
