"""`shop run payment-worker`: charges and refunds orders on the saga's commands."""

from __future__ import annotations

import sys

from shop.common.context_consumer import ContextConsumer
from shop.common.metrics_http import new_registry
from shop.common.process import ProcessContext
from shop.common.worker import run_worker
from shop.payment.bootstrap import bootstrap, mock_gateway
from shop.payment.entrypoints.consumers import event_handlers
from shop.payment.settings import PaymentSettings


def main() -> int:
    settings = PaymentSettings(service_name="payment-worker")
    registry = new_registry()
    consumer = ContextConsumer("payment", settings, registry, alone=True)

    async def consume(process: ProcessContext) -> None:
        payments = bootstrap(process.engine, mock_gateway(settings))
        await consumer.run(event_handlers(payments.bus), payments.unit_of_work)

    return run_worker(settings=settings, registry=registry, tasks={"payment-commands": consume})


if __name__ == "__main__":
    sys.exit(main())
