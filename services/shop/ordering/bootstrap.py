"""Wires ordering: the shared bus, with the saga's handlers, over SQL units of work, and read
sessions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop.common.messagebus import MessageBus
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


@dataclass(frozen=True)
class Ordering:
    bus: OrderingBus
    sessions: async_sessionmaker[AsyncSession]

    def unit_of_work(self) -> SqlOrderingUnitOfWork:
        return SqlOrderingUnitOfWork(self.sessions)


def bootstrap(engine: AsyncEngine, deps: OrderingDependencies) -> Ordering:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    return Ordering(message_bus(lambda: SqlOrderingUnitOfWork(sessions), deps), sessions)
