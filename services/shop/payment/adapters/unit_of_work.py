"""Payment's unit of work: the messaging core's, with the payment repository."""

from __future__ import annotations

from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop.common.uow import UnitOfWork
from shop.payment.adapters.repository import SqlPaymentRepository
from shop.payment.adapters.tables import MESSAGING, SCHEMA


class SqlPaymentUnitOfWork(UnitOfWork):
    payments: SqlPaymentRepository

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(session_factory, MESSAGING, source=SCHEMA)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.payments = SqlPaymentRepository(self.session, self.track)
        return self
