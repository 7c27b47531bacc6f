"""Payment's Kafka handlers: the saga's payment commands, translated into payment commands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from shop.common.consumer import EventHandlers, PermanentError, PoisonMessageError
from shop.common.errors import DomainError
from shop.common.events import Envelope
from shop.payment.adapters.unit_of_work import SqlPaymentUnitOfWork
from shop.payment.domain import commands as c
from shop.payment.service_layer.messagebus import MessageBus

T = TypeVar("T")

SAGA_COMMANDS: dict[str, type[c.RequestPayment | c.RefundPayment]] = {
    "saga.request-payment": c.RequestPayment,
    "saga.refund-payment": c.RefundPayment,
}


def decode(kind: type[T], data: Mapping[str, Any]) -> T:
    try:
        return TypeAdapter(kind).validate_python(dict(data))
    except ValidationError as err:
        raise PoisonMessageError(f"not a valid {kind.__name__}: {err}") from None


def event_handlers(bus: MessageBus) -> EventHandlers[SqlPaymentUnitOfWork]:
    async def handle(envelope: Envelope, uow: SqlPaymentUnitOfWork) -> None:
        try:
            await bus.handle_in(decode(SAGA_COMMANDS[envelope.type], envelope.data), uow)
        except DomainError as err:
            raise PermanentError(f"{envelope.type} refused: {err.detail}") from err

    return dict.fromkeys(SAGA_COMMANDS, handle)
