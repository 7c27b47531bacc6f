"""Reports' Kafka handlers: order events, reduced into the sales projection."""

from __future__ import annotations

from shop.common.consumer import EventHandlers, decode
from shop.common.events import Envelope
from shop.reports.adapters.unit_of_work import SqlReportsUnitOfWork
from shop.reports.domain.events import OrderCancelled, OrderConfirmed, OrderEvent, OrderPlaced
from shop.reports.service_layer.handlers import handle_in

ORDER_EVENTS: dict[str, type[OrderEvent]] = {
    "order.placed": OrderPlaced,
    "order.confirmed": OrderConfirmed,
    "order.cancelled": OrderCancelled,
}


def order_event(envelope: Envelope) -> OrderEvent:
    return decode(ORDER_EVENTS[envelope.type], {**envelope.data, "event_id": envelope.id})


async def project(envelope: Envelope, uow: SqlReportsUnitOfWork) -> None:
    await handle_in(order_event(envelope), uow)


def event_handlers() -> EventHandlers[SqlReportsUnitOfWork]:
    return dict.fromkeys(ORDER_EVENTS, project)
