"""Reports' unit of work: the messaging core's (for its inbox), with the projection store."""

from __future__ import annotations

from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop.common.uow import UnitOfWork
from shop.reports.adapters.store import SqlProjectionStore
from shop.reports.adapters.tables import MESSAGING, SCHEMA


class SqlReportsUnitOfWork(UnitOfWork):
    projection: SqlProjectionStore

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(session_factory, MESSAGING, source=SCHEMA)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.projection = SqlProjectionStore(self.session)
        return self
