"""Payment's Kafka handlers: the saga's payment commands, translated into payment commands.

An invalid payload, or a command the domain refuses, is dead-lettered at once.
"""

from __future__ import annotations

from shop.common.consumer import EventHandlers, decode, domain_errors_are_permanent
from shop.common.events import Envelope
from shop.payment.adapters.unit_of_work import SqlPaymentUnitOfWork
from shop.payment.domain import commands as c
from shop.payment.service_layer.messagebus import MessageBus

SAGA_COMMANDS: dict[str, type[c.RequestPayment | c.RefundPayment]] = {
    "saga.request-payment": c.RequestPayment,
    "saga.refund-payment": c.RefundPayment,
}


def event_handlers(bus: MessageBus) -> EventHandlers[SqlPaymentUnitOfWork]:
    @domain_errors_are_permanent
    async def handle(envelope: Envelope, uow: SqlPaymentUnitOfWork) -> None:
        await bus.handle_in(decode(SAGA_COMMANDS[envelope.type], envelope.data), uow)

    return dict.fromkeys(SAGA_COMMANDS, handle)
