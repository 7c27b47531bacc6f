"""Dispatches the saga's payment commands to their handlers."""

from __future__ import annotations

from collections.abc import Callable

from shop.payment.domain.commands import Command
from shop.payment.service_layer.handlers import COMMAND_HANDLERS, PaymentDependencies
from shop.payment.service_layer.unit_of_work import PaymentUnitOfWork


class MessageBus:
    def __init__(
        self, uow_factory: Callable[[], PaymentUnitOfWork], deps: PaymentDependencies
    ) -> None:
        self.uow_factory = uow_factory
        self.deps = deps

    async def handle(self, command: Command) -> None:
        """Apply a command in its own unit of work and commit."""
        async with self.uow_factory() as uow:
            await self.handle_in(command, uow)
            await uow.commit()

    async def handle_in(self, command: Command, uow: PaymentUnitOfWork) -> None:
        """Apply a command in a unit of work the caller opened and commits (a consumer's)."""
        await COMMAND_HANDLERS[type(command)](command, uow, self.deps)
