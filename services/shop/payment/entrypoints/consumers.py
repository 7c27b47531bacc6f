"""Payment's Kafka handlers: the saga's payment commands, translated into payment commands.

An invalid payload, or a command the domain refuses, is dead-lettered at once.
"""

from __future__ import annotations

from shop.common.consumer import EventHandlers, command_routes
from shop.payment.adapters.unit_of_work import SqlPaymentUnitOfWork
from shop.payment.domain import commands as c
from shop.payment.service_layer.messagebus import MessageBus

SAGA_COMMANDS: dict[str, type[c.RequestPayment | c.RefundPayment]] = {
    "saga.request-payment": c.RequestPayment,
    "saga.refund-payment": c.RefundPayment,
}


def event_handlers(bus: MessageBus) -> EventHandlers[SqlPaymentUnitOfWork]:
    """Consumer routes by event type, each applying its command in the consumer's transaction."""
    return command_routes(SAGA_COMMANDS, bus.handle_in)
