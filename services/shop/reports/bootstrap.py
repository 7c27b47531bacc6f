"""Wires reports: the shared bus, with reports' handlers, over SQL units of work."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from shop.common.bootstrap import Wired, wired
from shop.common.messagebus import MessageBus
from shop.common.messaging_settings import OutboxMode
from shop.reports.adapters.unit_of_work import SqlReportsUnitOfWork
from shop.reports.service_layer.handlers import EVENT_HANDLERS
from shop.reports.service_layer.unit_of_work import ReportsUnitOfWork

ReportsBus = MessageBus[ReportsUnitOfWork, None]


def message_bus(uow: Callable[[], ReportsUnitOfWork]) -> ReportsBus:
    """The shared bus with reports' handler table (over SQL or, in unit tests, the fakes)."""
    return MessageBus(uow, None, events=EVENT_HANDLERS)


Reports = Wired[ReportsBus, SqlReportsUnitOfWork]


def bootstrap(engine: AsyncEngine, outbox_mode: OutboxMode = OutboxMode.RELAY) -> Reports:
    return wired(engine, SqlReportsUnitOfWork, outbox_mode, message_bus)
