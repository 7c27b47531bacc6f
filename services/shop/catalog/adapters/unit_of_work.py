"""The catalog's unit of work: the messaging core's, with the catalog's repositories."""

from __future__ import annotations

from shop.catalog.adapters.repositories import (
    SqlCategoryRepository,
    SqlProductRepository,
    SqlStockRepository,
)
from shop.catalog.adapters.reservations import SqlReservationRepository
from shop.catalog.adapters.tables import MESSAGING
from shop.common.context_uow import ContextUnitOfWork


class SqlCatalogUnitOfWork(ContextUnitOfWork):
    messaging = MESSAGING
    categories: SqlCategoryRepository
    products: SqlProductRepository
    stock: SqlStockRepository
    reservations: SqlReservationRepository

    def open_repositories(self) -> None:
        self.categories = SqlCategoryRepository(self.session)
        self.products = SqlProductRepository(self.session, self.track)
        self.stock = SqlStockRepository(self.session, self.track)
        self.reservations = SqlReservationRepository(self.session, self.track)
