"""`shop run reports-worker`: projects order events into the sales reports."""

from __future__ import annotations

import sys

from shop.common.consumer import ConsumerMetrics, EventConsumer
from shop.common.graceful import run_until_cancelled
from shop.common.metrics_http import new_registry
from shop.common.process import ProcessContext
from shop.common.worker import run_worker
from shop.reports.bootstrap import bootstrap
from shop.reports.entrypoints.consumers import event_handlers
from shop.reports.settings import ReportsSettings
from shop.topology import CONSUMES, consumer_group


def main() -> int:
    settings = ReportsSettings(service_name="reports-worker")
    registry = new_registry()
    metrics = ConsumerMetrics(registry)

    async def consume(process: ProcessContext) -> None:
        reports = bootstrap(process.engine)
        consumer = EventConsumer(
            group=consumer_group("reports"),
            topics=[topic.name for topic in CONSUMES["reports"]],
            handlers=event_handlers(),
            uow_factory=reports.unit_of_work,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            metrics=metrics,
        )
        await run_until_cancelled(consumer.run)

    return run_worker(settings=settings, registry=registry, tasks={"order-events": consume})


if __name__ == "__main__":
    sys.exit(main())
