"""Reports' unit of work: the messaging core's (for its inbox), with the projection repository."""

from __future__ import annotations

from shop.common.context_uow import ContextUnitOfWork
from shop.reports.adapters.repositories import SqlProjectionRepository
from shop.reports.adapters.tables import MESSAGING


class SqlReportsUnitOfWork(ContextUnitOfWork):
    messaging = MESSAGING
    projection: SqlProjectionRepository

    def open_repositories(self) -> None:
        self.projection = SqlProjectionRepository(self.connection)
