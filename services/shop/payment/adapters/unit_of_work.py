"""Payment's unit of work: the messaging core's, with the payment repository."""

from __future__ import annotations

from shop.common.context_uow import ContextUnitOfWork
from shop.payment.adapters.repositories import SqlPaymentRepository
from shop.payment.adapters.tables import MESSAGING


class SqlPaymentUnitOfWork(ContextUnitOfWork):
    messaging = MESSAGING
    payments: SqlPaymentRepository

    def open_repositories(self) -> None:
        self.payments = SqlPaymentRepository(self.connection, self.track)
