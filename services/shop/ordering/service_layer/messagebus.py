"""Ordering's message bus: the saga's messages, the timer's commands, and the timer's round."""

from __future__ import annotations

from shop.common import messagebus
from shop.ordering.domain.commands import ExpireDeadline
from shop.ordering.domain.messages import SagaMessage
from shop.ordering.service_layer.handlers import (
    COMMAND_HANDLERS,
    EVENT_HANDLERS,
    OrderingDependencies,
)
from shop.ordering.service_layer.unit_of_work import OrderingUnitOfWork


class MessageBus(
    messagebus.MessageBus[OrderingUnitOfWork, OrderingDependencies, SagaMessage | ExpireDeadline]
):
    command_handlers = COMMAND_HANDLERS
    event_handlers = EVENT_HANDLERS

    async def expire_due(self, batch_size: int = 100) -> int:
        """Time out every order past its step deadline, each in its own transaction."""
        async with self.uow_factory() as uow:
            due = await uow.orders.due(self.deps.clock(), batch_size)
        for order_id in due:
            await self.handle(ExpireDeadline(order_id))
        return len(due)
