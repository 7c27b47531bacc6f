"""Ordering's Kafka handlers: checkouts and the replies of catalog and payment, as saga messages.

This is ordering's translation of other contexts' events; stock.low and the like are not
routed (ignored). A payload that does not fit, or that the domain refuses, is dead-lettered.
"""

from __future__ import annotations

from collections.abc import Callable

from shop.common.consumer import EventHandlers, Handler, decode, domain_errors_are_permanent
from shop.common.events import Envelope
from shop.ordering.adapters.unit_of_work import SqlOrderingUnitOfWork
from shop.ordering.domain import messages as m
from shop.ordering.domain.order_terms import OrderTerms
from shop.ordering.service_layer.messagebus import MessageBus

REPLIES: dict[str, type[m.SagaMessage]] = {
    "stock.reserved": m.StockReserved,
    "stock.reservation-failed": m.StockReservationFailed,
    "stock.released": m.StockReleased,
    "payment.succeeded": m.PaymentSucceeded,
    "payment.failed": m.PaymentFailed,
    "payment.refunded": m.PaymentRefunded,
}


def checkout_received(envelope: Envelope) -> m.CheckoutReceived:
    """basket.checked-out -> the saga's start (the cart's lines become the order's terms)."""
    data = envelope.data
    terms = decode(
        OrderTerms, {k: data.get(k) for k in ("customer_id", "email", "lines", "total", "currency")}
    )
    return decode(
        m.CheckoutReceived,
        {
            "event_id": envelope.id,
            "order_id": data.get("order_id"),
            "terms": terms,
            "checked_out_at": data.get("checked_out_at"),
        },
    )


def reply(envelope: Envelope) -> m.SagaMessage:
    return decode(REPLIES[envelope.type], {**envelope.data, "event_id": envelope.id})


def event_handlers(bus: MessageBus) -> EventHandlers[SqlOrderingUnitOfWork]:
    def route(translate: Callable[[Envelope], m.SagaMessage]) -> Handler[SqlOrderingUnitOfWork]:
        @domain_errors_are_permanent
        async def handle(envelope: Envelope, uow: SqlOrderingUnitOfWork) -> None:
            await bus.handle_in(translate(envelope), uow)

        return handle

    return {"basket.checked-out": route(checkout_received), **dict.fromkeys(REPLIES, route(reply))}
