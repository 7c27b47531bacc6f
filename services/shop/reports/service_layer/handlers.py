"""Reports handlers (`EVENT_HANDLERS`): order events folded into the projection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from shop.reports.domain.events import OrderCancelled, OrderConfirmed, OrderEvent, OrderPlaced
from shop.reports.domain.projection import change_for
from shop.reports.service_layer.unit_of_work import ReportsUnitOfWork


async def project(event: OrderEvent, uow: ReportsUnitOfWork) -> None:
    """Apply what the event changes; run in the consumer's transaction with its inbox row,
    so each event id is applied once."""
    change = change_for(event, await uow.projection.status_of(event.order_id))
    if change is not None:
        await uow.projection.apply(change)


Handler = Callable[[OrderEvent, ReportsUnitOfWork], Awaitable[None]]

EVENT_HANDLERS: dict[type[OrderEvent], list[Handler]] = {
    OrderPlaced: [project],
    OrderConfirmed: [project],
    OrderCancelled: [project],
}


async def handle_in(event: OrderEvent, uow: ReportsUnitOfWork) -> None:
    """Apply an order event in a unit of work the caller opened and commits (a consumer's)."""
    for handler in EVENT_HANDLERS[type(event)]:
        await handler(event, uow)
