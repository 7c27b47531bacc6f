"""Ordering's inbound events: checkouts and the replies of catalog and payment, as saga messages.

This is ordering's translation of other contexts' events; stock.low and the like are not
routed (ignored). A payload that does not fit, or that the domain refuses, is dead-lettered.
A chunk of them first locks what they all will (`CHUNK_LOCKS`), so the worker's concurrent
chunks queue on shared orders and customer totals, never deadlock.
"""

from __future__ import annotations

from shop.common.consumer import Inbound, chunk_preparer, decode, with_event_id
from shop.common.events import Envelope
from shop.ordering.domain import messages as m
from shop.ordering.domain.order_terms import OrderTerms
from shop.ordering.service_layer.chunk_locks import lock_chunk


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


INBOUND: dict[str, Inbound[m.SagaMessage]] = {
    "basket.checked-out": Inbound(m.CheckoutReceived, checkout_received),
    "stock.reserved": with_event_id(m.StockReserved),
    "stock.reservation-failed": with_event_id(m.StockReservationFailed),
    "stock.released": with_event_id(m.StockReleased),
    "payment.succeeded": with_event_id(m.PaymentSucceeded),
    "payment.failed": with_event_id(m.PaymentFailed),
    "payment.refunded": with_event_id(m.PaymentRefunded),
}

CHUNK_LOCKS = chunk_preparer(INBOUND, lock_chunk)
"""Before a chunk's first message: the locks of every message of it (`chunk_locks`)."""
