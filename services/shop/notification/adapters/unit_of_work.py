"""Notification's unit of work: the messaging core's, with templates and the delivery log."""

from __future__ import annotations

from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop.common.uow import UnitOfWork
from shop.notification.adapters.repositories import SqlDeliveryRepository, SqlTemplateRepository
from shop.notification.adapters.tables import MESSAGING, SCHEMA


class SqlNotificationUnitOfWork(UnitOfWork):
    templates: SqlTemplateRepository
    deliveries: SqlDeliveryRepository

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(session_factory, MESSAGING, source=SCHEMA)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.templates = SqlTemplateRepository(self.session)
        self.deliveries = SqlDeliveryRepository(self.session, self.track)
        return self
