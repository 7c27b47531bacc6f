"""Dispatches saga messages and timer commands to their handlers."""

from __future__ import annotations

from collections.abc import Callable

from shop.ordering.domain.commands import ExpireDeadline
from shop.ordering.domain.messages import SagaMessage
from shop.ordering.service_layer.handlers import (
    COMMAND_HANDLERS,
    EVENT_HANDLERS,
    OrderingDependencies,
)
from shop.ordering.service_layer.unit_of_work import OrderingUnitOfWork


class MessageBus:
    def __init__(
        self, uow_factory: Callable[[], OrderingUnitOfWork], deps: OrderingDependencies
    ) -> None:
        self.uow_factory = uow_factory
        self.deps = deps

    async def handle(self, message: SagaMessage | ExpireDeadline) -> None:
        """Apply a message in its own unit of work and commit."""
        async with self.uow_factory() as uow:
            await self.handle_in(message, uow)
            await uow.commit()

    async def handle_in(
        self, message: SagaMessage | ExpireDeadline, uow: OrderingUnitOfWork
    ) -> None:
        """Apply a message in a unit of work the caller opened and commits (a consumer's)."""
        if isinstance(message, SagaMessage):
            for handler in EVENT_HANDLERS[type(message)]:
                await handler(message, uow, self.deps)
        else:
            await COMMAND_HANDLERS[type(message)](message, uow, self.deps)

    async def expire_due(self, batch_size: int = 100) -> int:
        """Time out every order past its step deadline, each in its own transaction."""
        async with self.uow_factory() as uow:
            due = await uow.orders.due(self.deps.clock(), batch_size)
        for order_id in due:
            await self.handle(ExpireDeadline(order_id))
        return len(due)
