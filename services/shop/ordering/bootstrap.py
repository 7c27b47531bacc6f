"""Wires ordering: the shared bus, with the saga's handlers, over SQL units of work, and read
sessions."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from shop.common.bootstrap import Wired, wired
from shop.common.messagebus import MessageBus
from shop.common.messaging_settings import OutboxMode
from shop.ordering.adapters.unit_of_work import SqlOrderingUnitOfWork
from shop.ordering.service_layer.handlers import (
    COMMAND_HANDLERS,
    EVENT_HANDLERS,
    OrderingDependencies,
)
from shop.ordering.service_layer.unit_of_work import OrderingUnitOfWork

OrderingBus = MessageBus[OrderingUnitOfWork, OrderingDependencies]


def message_bus(uow: Callable[[], OrderingUnitOfWork], deps: OrderingDependencies) -> OrderingBus:
    """The shared bus with the saga's handler tables (over SQL or, in unit tests, the fakes)."""
    return MessageBus(uow, deps, commands=COMMAND_HANDLERS, events=EVENT_HANDLERS)


Ordering = Wired[OrderingBus, SqlOrderingUnitOfWork]


def bootstrap(
    engine: AsyncEngine, deps: OrderingDependencies, outbox_mode: OutboxMode = OutboxMode.RELAY
) -> Ordering:
    return wired(engine, SqlOrderingUnitOfWork, outbox_mode, lambda uow: message_bus(uow, deps))
