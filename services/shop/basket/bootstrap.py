"""Wires the basket: the shared bus, with the basket's handlers, over SQL units of work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop.basket.adapters.unit_of_work import SqlBasketUnitOfWork
from shop.basket.service_layer.handlers import (
    COMMAND_HANDLERS,
    EVENT_HANDLERS,
    BasketDependencies,
)
from shop.basket.service_layer.unit_of_work import BasketUnitOfWork
from shop.common.messagebus import MessageBus

BasketBus = MessageBus[BasketUnitOfWork, BasketDependencies]


def message_bus(uow: Callable[[], BasketUnitOfWork], deps: BasketDependencies) -> BasketBus:
    """The shared bus with the basket's handler tables (over SQL or, in unit tests, the fakes)."""
    return MessageBus(uow, deps, commands=COMMAND_HANDLERS, events=EVENT_HANDLERS)


@dataclass(frozen=True)
class Basket:
    bus: BasketBus
    sessions: async_sessionmaker[AsyncSession]

    def unit_of_work(self) -> SqlBasketUnitOfWork:
        return SqlBasketUnitOfWork(self.sessions)


def bootstrap(engine: AsyncEngine, deps: BasketDependencies | None = None) -> Basket:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    bus = message_bus(lambda: SqlBasketUnitOfWork(sessions), deps or BasketDependencies())
    return Basket(bus, sessions)
