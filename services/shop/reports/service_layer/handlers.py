"""Reports handlers (`EVENT_HANDLERS`): order events folded into the projection.

Reports needs no dependencies, so its handlers take `None` for them.
"""

from __future__ import annotations

from shop.common import messagebus
from shop.reports.domain.events import OrderCancelled, OrderConfirmed, OrderEvent, OrderPlaced
from shop.reports.domain.projection import change_for
from shop.reports.service_layer.unit_of_work import ReportsUnitOfWork


async def project(event: OrderEvent, uow: ReportsUnitOfWork, deps: None) -> None:
    """Apply what the event changes; run in the consumer's transaction with its inbox row,
    so each event id is applied once."""
    change = change_for(event, await uow.projection.status_of(event.order_id))
    if change is not None:
        await uow.projection.apply(change)


Handler = messagebus.Handler[ReportsUnitOfWork, None]

EVENT_HANDLERS: dict[type[OrderEvent], list[Handler]] = {
    OrderPlaced: [project],
    OrderConfirmed: [project],
    OrderCancelled: [project],
}
