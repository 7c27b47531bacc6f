"""`shop run reports-worker`: projects order events into the sales reports."""

from __future__ import annotations

import sys

from shop.common.context_consumer import ContextConsumer
from shop.common.metrics_http import new_registry
from shop.common.process import ProcessContext
from shop.common.worker import run_worker
from shop.reports.bootstrap import bootstrap
from shop.reports.entrypoints.consumers import event_handlers
from shop.reports.settings import ReportsSettings


def main() -> int:
    settings = ReportsSettings(service_name="reports-worker")
    registry = new_registry()
    consumer = ContextConsumer("reports", settings, registry)

    async def consume(process: ProcessContext) -> None:
        await consumer.run(event_handlers(), bootstrap(process.engine).unit_of_work)

    return run_worker(settings=settings, registry=registry, tasks={"order-events": consume})


if __name__ == "__main__":
    sys.exit(main())
