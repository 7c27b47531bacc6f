"""`shop run payment-worker`: charges and refunds orders on the saga's commands."""

from __future__ import annotations

import sys

from shop.common.consumer import ConsumerMetrics, EventConsumer
from shop.common.graceful import run_until_cancelled
from shop.common.metrics_http import new_registry
from shop.common.process import ProcessContext
from shop.common.worker import run_worker
from shop.payment.bootstrap import bootstrap, mock_gateway
from shop.payment.entrypoints.consumers import event_handlers
from shop.payment.settings import PaymentSettings
from shop.topology import CONSUMES, consumer_group


def main() -> int:
    settings = PaymentSettings(service_name="payment-worker")
    registry = new_registry()
    metrics = ConsumerMetrics(registry)

    async def consume(process: ProcessContext) -> None:
        payments = bootstrap(process.engine, mock_gateway(settings))
        consumer = EventConsumer(
            group=consumer_group("payment"),
            topics=[topic.name for topic in CONSUMES["payment"]],
            handlers=event_handlers(payments.bus),
            uow_factory=payments.unit_of_work,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            metrics=metrics,
        )
        await run_until_cancelled(consumer.run)

    return run_worker(settings=settings, registry=registry, tasks={"payment-commands": consume})


if __name__ == "__main__":
    sys.exit(main())
