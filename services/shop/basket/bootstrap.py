"""Wires the basket: the shared bus, with the basket's handlers, over SQL units of work."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from shop.basket.adapters.unit_of_work import SqlBasketUnitOfWork
from shop.basket.service_layer.handlers import (
    COMMAND_HANDLERS,
    EVENT_HANDLERS,
    BasketDependencies,
)
from shop.basket.service_layer.unit_of_work import BasketUnitOfWork
from shop.common.bootstrap import Wired, wired
from shop.common.messagebus import MessageBus
from shop.common.messaging_settings import OutboxMode

BasketBus = MessageBus[BasketUnitOfWork, BasketDependencies]


def message_bus(uow: Callable[[], BasketUnitOfWork], deps: BasketDependencies) -> BasketBus:
    """The shared bus with the basket's handler tables (over SQL or, in unit tests, the fakes)."""
    return MessageBus(uow, deps, commands=COMMAND_HANDLERS, events=EVENT_HANDLERS)


Basket = Wired[BasketBus, SqlBasketUnitOfWork]


def bootstrap(
    engine: AsyncEngine,
    deps: BasketDependencies | None = None,
    outbox_mode: OutboxMode = OutboxMode.RELAY,
) -> Basket:
    used = deps or BasketDependencies()
    return wired(engine, SqlBasketUnitOfWork, outbox_mode, lambda uow: message_bus(uow, used))
