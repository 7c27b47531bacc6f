"""`shop run payment-worker`: charges and refunds orders on the saga's commands."""

from __future__ import annotations

import sys

from shop.common.consumer import routes
from shop.common.context_worker import Consuming, run_context_worker
from shop.common.process import ProcessContext
from shop.payment.adapters.unit_of_work import SqlPaymentUnitOfWork
from shop.payment.bootstrap import bootstrap, mock_gateway
from shop.payment.entrypoints.consumers import INBOUND
from shop.payment.settings import PaymentSettings


def main() -> int:
    settings = PaymentSettings(service_name="payment-worker")

    async def wire(process: ProcessContext) -> Consuming[SqlPaymentUnitOfWork]:
        payments = bootstrap(process.engine, mock_gateway(settings), settings.outbox_mode)
        return Consuming(routes(payments.bus, INBOUND), payments.unit_of_work)

    return run_context_worker("payment", settings, wire, alone=True)


if __name__ == "__main__":
    sys.exit(main())
