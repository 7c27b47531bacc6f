"""The basket's unit of work: the messaging core's, with the basket's repositories."""

from __future__ import annotations

from shop.basket.adapters.repositories import (
    SqlCartRepository,
    SqlCheckoutRepository,
    SqlProductSnapshotRepository,
)
from shop.basket.adapters.tables import MESSAGING
from shop.common.context_uow import ContextUnitOfWork


class SqlBasketUnitOfWork(ContextUnitOfWork):
    messaging = MESSAGING
    carts: SqlCartRepository
    products: SqlProductSnapshotRepository
    checkouts: SqlCheckoutRepository

    def open_repositories(self) -> None:
        self.carts = SqlCartRepository(self.connection, self.track)
        self.products = SqlProductSnapshotRepository(self.connection)
        self.checkouts = SqlCheckoutRepository(self.connection)
