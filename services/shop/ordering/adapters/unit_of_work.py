"""Ordering's unit of work: the messaging core's, with the order repository.

The repository holds its last write back until the commit, which sends it with the outbox
rows in one statement (one round trip fewer per saga step)."""

from __future__ import annotations

from shop.common.context_uow import ContextUnitOfWork
from shop.common.outbox_write import OutboxRows, outbox_written, write_outbox
from shop.ordering.adapters.repositories import SqlOrderRepository
from shop.ordering.adapters.tables import MESSAGING


class SqlOrderingUnitOfWork(ContextUnitOfWork):
    messaging = MESSAGING
    orders: SqlOrderRepository

    def open_repositories(self) -> None:
        self.orders = SqlOrderRepository(self.connection, self.track)

    async def write_last(self, outbox: OutboxRows) -> None:
        if await self.orders.write_with(outbox):
            await outbox_written(self.connection, self.tables, outbox, mode=self.outbox_mode)
        else:
            await write_outbox(self.connection, self.tables, outbox, mode=self.outbox_mode)
