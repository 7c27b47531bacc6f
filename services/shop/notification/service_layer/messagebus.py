"""Dispatches notification commands to their handlers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shop.notification.domain.commands import Command
from shop.notification.service_layer.handlers import COMMAND_HANDLERS, NotificationDependencies
from shop.notification.service_layer.unit_of_work import NotificationUnitOfWork


class MessageBus:
    def __init__(
        self, uow_factory: Callable[[], NotificationUnitOfWork], deps: NotificationDependencies
    ) -> None:
        self.uow_factory = uow_factory
        self.deps = deps

    async def handle(self, command: Command) -> Any:
        """Apply a command in its own unit of work and commit; returns the handler's result."""
        async with self.uow_factory() as uow:
            result = await self.handle_in(command, uow)
            await uow.commit()
        return result

    async def handle_in(self, command: Command, uow: NotificationUnitOfWork) -> Any:
        """Apply a command in a unit of work the caller opened and commits (a consumer's)."""
        return await COMMAND_HANDLERS[type(command)](command, uow, self.deps)
