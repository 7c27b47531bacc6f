"""Notification's inbound events: the events customers hear about, each as a `Notify` command."""

from __future__ import annotations

from uuid import UUID

from shop.common.consumer import Inbound, PoisonMessageError
from shop.common.events import Envelope
from shop.notification.domain.commands import Notify


def notify_command(envelope: Envelope) -> Notify:
    try:
        order_id = UUID(str(envelope.data["order_id"]))
    except (KeyError, ValueError):
        raise PoisonMessageError(f"{envelope.type} {envelope.id} names no valid order_id") from None
    return Notify(envelope.id, envelope.type, order_id, dict(envelope.data))


INBOUND: dict[str, Inbound[Notify]] = dict.fromkeys(
    ("order.confirmed", "order.cancelled", "payment.failed"), Inbound(Notify, notify_command)
)
