"""`shop run payment-worker`: charges and refunds orders on the saga's commands."""

from __future__ import annotations

import sys

from shop.common.consumer import routes
from shop.common.context_worker import Consuming, ContextWorker, run_context_worker
from shop.common.process import ProcessContext
from shop.payment.adapters.unit_of_work import SqlPaymentUnitOfWork
from shop.payment.bootstrap import bootstrap, mock_gateway
from shop.payment.entrypoints.consumers import INBOUND
from shop.payment.settings import PaymentSettings


def context_worker(settings: PaymentSettings) -> ContextWorker:
    """Payment's worker, wired on the process's engine."""

    async def wire(process: ProcessContext) -> Consuming[SqlPaymentUnitOfWork]:
        payments = bootstrap(process.engine, mock_gateway(settings), settings.outbox_mode)
        return Consuming(routes(payments.bus, INBOUND), payments.unit_of_work)

    return ContextWorker("payment", settings, wire, alone=True)


def main() -> int:
    return run_context_worker(context_worker(PaymentSettings(service_name="payment-worker")))


if __name__ == "__main__":
    sys.exit(main())
