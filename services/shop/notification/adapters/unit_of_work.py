"""Notification's unit of work: the messaging core's, with templates and the delivery log."""

from __future__ import annotations

from shop.common.context_uow import ContextUnitOfWork
from shop.notification.adapters.repositories import SqlDeliveryRepository, SqlTemplateRepository
from shop.notification.adapters.tables import MESSAGING


class SqlNotificationUnitOfWork(ContextUnitOfWork):
    messaging = MESSAGING
    templates: SqlTemplateRepository
    deliveries: SqlDeliveryRepository

    def open_repositories(self) -> None:
        self.templates = SqlTemplateRepository(self.connection)
        self.deliveries = SqlDeliveryRepository(self.connection, self.track)
