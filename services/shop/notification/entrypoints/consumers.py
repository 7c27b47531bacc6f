"""Notification's Kafka handlers: the events customers hear about, as `Notify` commands."""

from __future__ import annotations

from uuid import UUID

from shop.common.consumer import EventHandlers, PoisonMessageError
from shop.common.events import Envelope
from shop.notification.adapters.unit_of_work import SqlNotificationUnitOfWork
from shop.notification.domain.commands import Notify
from shop.notification.service_layer.messagebus import MessageBus

NOTIFIED = ("order.confirmed", "order.cancelled", "payment.failed")


def notify_command(envelope: Envelope) -> Notify:
    try:
        order_id = UUID(str(envelope.data["order_id"]))
    except (KeyError, ValueError):
        raise PoisonMessageError(f"{envelope.type} {envelope.id} names no valid order_id") from None
    return Notify(envelope.id, envelope.type, order_id, dict(envelope.data))


def event_handlers(bus: MessageBus) -> EventHandlers[SqlNotificationUnitOfWork]:
    async def handle(envelope: Envelope, uow: SqlNotificationUnitOfWork) -> None:
        await bus.handle_in(notify_command(envelope), uow)

    return dict.fromkeys(NOTIFIED, handle)
