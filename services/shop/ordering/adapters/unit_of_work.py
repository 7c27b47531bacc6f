"""Ordering's unit of work: the messaging core's, with the order repository.

The repository holds its last write back until the commit, which sends it with the outbox
rows in one statement (one round trip fewer per saga step)."""

from __future__ import annotations

from shop.common.context_uow import ContextUnitOfWork
from shop.common.held_write import HeldWrite
from shop.ordering.adapters.repositories import SqlOrderRepository
from shop.ordering.adapters.tables import MESSAGING


class SqlOrderingUnitOfWork(ContextUnitOfWork):
    messaging = MESSAGING
    orders: SqlOrderRepository

    def open_repositories(self) -> None:
        self.orders = SqlOrderRepository(self.connection, self.track)

    def held_write(self) -> HeldWrite:
        return self.orders.writes
