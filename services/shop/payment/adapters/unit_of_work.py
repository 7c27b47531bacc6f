"""Payment's unit of work: the messaging core's, with the payment repository.

The repository holds its last write back until the commit, which sends it with the outbox
rows in one statement (one round trip fewer per charge or refund)."""

from __future__ import annotations

from shop.common.context_uow import ContextUnitOfWork
from shop.common.outbox_write import OutboxRows, outbox_written, write_outbox
from shop.payment.adapters.repositories import SqlPaymentRepository
from shop.payment.adapters.tables import MESSAGING


class SqlPaymentUnitOfWork(ContextUnitOfWork):
    messaging = MESSAGING
    payments: SqlPaymentRepository

    def open_repositories(self) -> None:
        self.payments = SqlPaymentRepository(self.connection, self.track)

    async def write_last(self, outbox: OutboxRows) -> None:
        if await self.payments.write_with(outbox):
            await outbox_written(self.connection, self.tables, outbox, mode=self.outbox_mode)
        else:
            await write_outbox(self.connection, self.tables, outbox, mode=self.outbox_mode)
