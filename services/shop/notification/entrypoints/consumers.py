"""Notification's inbound events: the events customers hear about, each as a `Notify` command,
with the fields its type defines (`DEFINED`)."""

from __future__ import annotations

from uuid import UUID

from shop.common.consumer import Inbound, PoisonMessageError
from shop.common.events import Envelope
from shop.notification.domain.commands import Notify

ORDER_TERMS = frozenset({"order_id", "customer_id", "email", "lines", "total", "currency"})
"""What every order event states about its order (ordering's `OrderEvent`, version 1); `email`
is absent when the order has none."""

DEFINED: dict[str, frozenset[str]] = {
    "order.confirmed": ORDER_TERMS | {"confirmed_at"},
    "order.cancelled": ORDER_TERMS | {"reason", "cancelled_at"},
    "payment.failed": frozenset({"order_id", "customer_id", "amount", "currency", "at", "reason"}),
}
"""The fields of each event type (version 1) notified about: one the data omits is null, so a
lookup cannot complete it (a payment event has no e-mail address to omit: it is looked up)."""


def notify_command(envelope: Envelope) -> Notify:
    try:
        order_id = UUID(str(envelope.data["order_id"]))
    except (KeyError, ValueError):
        raise PoisonMessageError(f"{envelope.type} {envelope.id} names no valid order_id") from None
    return Notify(
        envelope.id,
        envelope.type,
        order_id,
        dict(envelope.data),
        DEFINED[envelope.type],
    )


INBOUND: dict[str, Inbound[Notify]] = dict.fromkeys(DEFINED, Inbound(Notify, notify_command))
