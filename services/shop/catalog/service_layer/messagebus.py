"""Runs one command in its own unit of work and commits it (the API's entry to the catalog)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shop.catalog.domain.commands import Command
from shop.catalog.service_layer.handlers import (
    COMMAND_HANDLERS,
    CatalogDependencies,
    Handler,
)
from shop.catalog.service_layer.unit_of_work import CatalogUnitOfWork


class MessageBus:
    def __init__(
        self,
        uow_factory: Callable[[], CatalogUnitOfWork],
        deps: CatalogDependencies,
        handlers: Mapping[type, Handler] = COMMAND_HANDLERS,
    ) -> None:
        self._uow_factory = uow_factory
        self._deps = deps
        self._handlers = handlers

    async def handle(self, command: Command) -> Any:
        """Apply `command` atomically; returns the handler's result (e.g. a new id)."""
        handler = self._handlers[type(command)]
        async with self._uow_factory() as uow:
            result = await handler(command, uow, self._deps)
            await uow.commit()
        return result

    async def handle_in(self, command: Command, uow: CatalogUnitOfWork) -> Any:
        """Apply `command` in a unit of work the caller opened and commits (a consumer's)."""
        return await self._handlers[type(command)](command, uow, self._deps)
