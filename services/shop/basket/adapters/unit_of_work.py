"""The basket's unit of work: the messaging core's, with the basket's repositories."""

from __future__ import annotations

from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop.basket.adapters.repositories import (
    SqlCartRepository,
    SqlCheckoutRepository,
    SqlProductSnapshotRepository,
)
from shop.basket.adapters.tables import MESSAGING, SCHEMA
from shop.common.uow import UnitOfWork


class SqlBasketUnitOfWork(UnitOfWork):
    carts: SqlCartRepository
    products: SqlProductSnapshotRepository
    checkouts: SqlCheckoutRepository

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(session_factory, MESSAGING, source=SCHEMA)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.carts = SqlCartRepository(self.session, self.track)
        self.products = SqlProductSnapshotRepository(self.session)
        self.checkouts = SqlCheckoutRepository(self.session)
        return self
