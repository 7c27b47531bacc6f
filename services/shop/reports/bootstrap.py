"""Wires reports: the shared bus, with reports' handlers, over SQL units of work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop.common.messagebus import MessageBus
from shop.reports.adapters.unit_of_work import SqlReportsUnitOfWork
from shop.reports.service_layer.handlers import EVENT_HANDLERS
from shop.reports.service_layer.unit_of_work import ReportsUnitOfWork

ReportsBus = MessageBus[ReportsUnitOfWork, None]


def message_bus(uow: Callable[[], ReportsUnitOfWork]) -> ReportsBus:
    """The shared bus with reports' handler table (over SQL or, in unit tests, the fakes)."""
    return MessageBus(uow, None, events=EVENT_HANDLERS)


@dataclass(frozen=True)
class Reports:
    bus: ReportsBus
    sessions: async_sessionmaker[AsyncSession]

    def unit_of_work(self) -> SqlReportsUnitOfWork:
        return SqlReportsUnitOfWork(self.sessions)


def bootstrap(engine: AsyncEngine) -> Reports:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    return Reports(message_bus(lambda: SqlReportsUnitOfWork(sessions)), sessions)
