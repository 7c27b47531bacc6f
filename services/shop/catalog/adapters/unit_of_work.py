"""The catalog's unit of work: the messaging core's, with the catalog's repositories."""

from __future__ import annotations

from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop.catalog.adapters.repositories import (
    SqlCategoryRepository,
    SqlProductRepository,
    SqlStockRepository,
)
from shop.catalog.adapters.reservations import SqlReservationRepository
from shop.catalog.adapters.tables import MESSAGING, SCHEMA
from shop.common.uow import UnitOfWork


class SqlCatalogUnitOfWork(UnitOfWork):
    categories: SqlCategoryRepository
    products: SqlProductRepository
    stock: SqlStockRepository
    reservations: SqlReservationRepository

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(session_factory, MESSAGING, source=SCHEMA)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.categories = SqlCategoryRepository(self.session)
        self.products = SqlProductRepository(self.session, self.track)
        self.stock = SqlStockRepository(self.session, self.track)
        self.reservations = SqlReservationRepository(self.session, self.track)
        return self
