"""Wires ordering: the saga's message bus over SQL units of work, and read sessions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop.ordering.adapters.unit_of_work import SqlOrderingUnitOfWork
from shop.ordering.service_layer.handlers import OrderingDependencies
from shop.ordering.service_layer.messagebus import MessageBus


@dataclass(frozen=True)
class Ordering:
    bus: MessageBus
    sessions: async_sessionmaker[AsyncSession]

    def unit_of_work(self) -> SqlOrderingUnitOfWork:
        return SqlOrderingUnitOfWork(self.sessions)


def bootstrap(engine: AsyncEngine, deps: OrderingDependencies) -> Ordering:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    return Ordering(MessageBus(lambda: SqlOrderingUnitOfWork(sessions), deps), sessions)
