"""Ordering's unit of work: the messaging core's, with the order repository."""

from __future__ import annotations

from shop.common.context_uow import ContextUnitOfWork
from shop.ordering.adapters.repositories import SqlOrderRepository
from shop.ordering.adapters.tables import MESSAGING


class SqlOrderingUnitOfWork(ContextUnitOfWork):
    messaging = MESSAGING
    orders: SqlOrderRepository

    def open_repositories(self) -> None:
        self.orders = SqlOrderRepository(self.connection, self.track)
