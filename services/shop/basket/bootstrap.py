"""Wires the basket: a message bus over SQL units of work."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop.basket.adapters.unit_of_work import SqlBasketUnitOfWork
from shop.basket.service_layer.handlers import BasketDependencies
from shop.basket.service_layer.messagebus import MessageBus


@dataclass(frozen=True)
class Basket:
    bus: MessageBus
    sessions: async_sessionmaker[AsyncSession]

    def unit_of_work(self) -> SqlBasketUnitOfWork:
        return SqlBasketUnitOfWork(self.sessions)


def bootstrap(engine: AsyncEngine, deps: BasketDependencies | None = None) -> Basket:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    bus = MessageBus(lambda: SqlBasketUnitOfWork(sessions), deps or BasketDependencies())
    return Basket(bus, sessions)
