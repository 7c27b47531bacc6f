"""Ordering's unit of work: the messaging core's, with the order repository."""

from __future__ import annotations

from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop.common.uow import UnitOfWork
from shop.ordering.adapters.repository import SqlOrderRepository
from shop.ordering.adapters.tables import MESSAGING, SCHEMA


class SqlOrderingUnitOfWork(UnitOfWork):
    orders: SqlOrderRepository

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(session_factory, MESSAGING, source=SCHEMA)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.orders = SqlOrderRepository(self.session, self.track)
        return self
