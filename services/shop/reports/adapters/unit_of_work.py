"""Reports' unit of work: the messaging core's (for its inbox), with the projection store."""

from __future__ import annotations

from shop.common.context_uow import ContextUnitOfWork
from shop.reports.adapters.store import SqlProjectionStore
from shop.reports.adapters.tables import MESSAGING


class SqlReportsUnitOfWork(ContextUnitOfWork):
    messaging = MESSAGING
    projection: SqlProjectionStore

    def open_repositories(self) -> None:
        self.projection = SqlProjectionStore(self.session)
