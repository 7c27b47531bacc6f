"""Dispatches basket commands and catalog events to their handlers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shop.basket.domain.catalog_events import CatalogEvent
from shop.basket.domain.commands import Command
from shop.basket.service_layer.handlers import (
    COMMAND_HANDLERS,
    EVENT_HANDLERS,
    BasketDependencies,
)
from shop.basket.service_layer.unit_of_work import BasketUnitOfWork


class MessageBus:
    def __init__(
        self, uow_factory: Callable[[], BasketUnitOfWork], deps: BasketDependencies
    ) -> None:
        self.uow_factory = uow_factory
        self._deps = deps

    async def handle(self, command: Command) -> Any:
        """Apply a command in its own unit of work and commit; returns the handler's result."""
        async with self.uow_factory() as uow:
            result = await self.handle_in(command, uow)
            await uow.commit()
        return result

    async def handle_in(self, message: Command | CatalogEvent, uow: BasketUnitOfWork) -> Any:
        """Apply a message in a unit of work the caller opened and commits (a consumer's)."""
        if type(message) in EVENT_HANDLERS:
            for handler in EVENT_HANDLERS[type(message)]:
                await handler(message, uow, self._deps)
            return None
        return await COMMAND_HANDLERS[type(message)](message, uow, self._deps)
