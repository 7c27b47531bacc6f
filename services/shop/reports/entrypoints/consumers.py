"""Reports' inbound events: order events, reduced into the sales projection."""

from __future__ import annotations

from shop.common.consumer import Inbound, with_event_id
from shop.reports.domain.events import OrderCancelled, OrderConfirmed, OrderEvent, OrderPlaced

INBOUND: dict[str, Inbound[OrderEvent]] = {
    "order.placed": with_event_id(OrderPlaced),
    "order.confirmed": with_event_id(OrderConfirmed),
    "order.cancelled": with_event_id(OrderCancelled),
}
