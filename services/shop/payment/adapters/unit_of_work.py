"""Payment's unit of work: the messaging core's, with the payment repository.

The repository holds its last write back until the commit, which sends it with the outbox
rows in one statement (one round trip fewer per charge or refund)."""

from __future__ import annotations

from shop.common.context_uow import ContextUnitOfWork
from shop.common.held_write import HeldWrite
from shop.payment.adapters.repositories import SqlPaymentRepository
from shop.payment.adapters.tables import MESSAGING


class SqlPaymentUnitOfWork(ContextUnitOfWork):
    messaging = MESSAGING
    payments: SqlPaymentRepository

    def open_repositories(self) -> None:
        self.payments = SqlPaymentRepository(self.connection, self.track)

    def held_write(self) -> HeldWrite:
        return self.payments.writes
