"""Sales per day, top products and orders by status, reduced from order events.

`change_for` decides what one event changes, given the order's status so far; `apply` folds
changes into a projection. Both are pure. An event id applied once is never applied again,
and an order's sales are counted once, when it is first confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date
from decimal import Decimal
from uuid import UUID

from shop.reports.domain.events import OrderCancelled, OrderConfirmed, OrderEvent, OrderPlaced

PENDING, CONFIRMED, CANCELLED = "PENDING", "CONFIRMED", "CANCELLED"


@dataclass(frozen=True)
class ProductSale:
    product_id: UUID
    currency: str
    name: str
    quantity: int
    revenue: Decimal


@dataclass(frozen=True)
class Change:
    """What one event changes: an order's status and, on confirmation, its sales."""

    event_id: UUID
    order_id: UUID
    previous_status: str | None
    status: str
    day: date | None = None
    currency: str | None = None
    revenue: Decimal = Decimal(0)
    products: tuple[ProductSale, ...] = ()


def change_for(event: OrderEvent, previous_status: str | None) -> Change | None:
    """The change `event` makes to an order last seen in `previous_status` (None: unseen)."""
    if isinstance(event, OrderPlaced):
        if previous_status is not None:
            return None  # confirmation or cancellation is already known
        return Change(event.event_id, event.order_id, None, PENDING)
    if isinstance(event, OrderConfirmed):
        if previous_status in (CONFIRMED, CANCELLED):
            return None
        sales = tuple(
            ProductSale(
                line.product_id,
                event.currency,
                line.name,
                line.quantity,
                line.unit_price * line.quantity,
            )
            for line in event.lines
        )
        day = event.confirmed_at.astimezone(UTC).date()
        return Change(
            event.event_id,
            event.order_id,
            previous_status,
            CONFIRMED,
            day,
            event.currency,
            event.total,
            sales,
        )
    if isinstance(event, OrderCancelled):
        if previous_status in (CONFIRMED, CANCELLED):
            return None
        return Change(event.event_id, event.order_id, previous_status, CANCELLED)
    raise TypeError(f"reports does not reduce {type(event).__name__}")


@dataclass(frozen=True)
class DaySales:
    orders: int
    revenue: Decimal


@dataclass(frozen=True)
class SalesProjection:
    """The whole projection in memory; the database adapter stores the same changes."""

    sales_per_day: Mapping[tuple[date, str], DaySales] = field(default_factory=dict)
    products: Mapping[tuple[UUID, str], ProductSale] = field(default_factory=dict)
    orders_by_status: Mapping[str, int] = field(default_factory=dict)
    order_status: Mapping[UUID, str] = field(default_factory=dict)
    applied: frozenset[UUID] = frozenset()

    def apply(self, event: OrderEvent) -> SalesProjection:
        """The projection after `event`; an event applied before changes nothing."""
        if event.event_id in self.applied:
            return self
        change = change_for(event, self.order_status.get(event.order_id))
        applied = replace(self, applied=self.applied | {event.event_id})
        return applied if change is None else applied.with_change(change)

    def with_change(self, change: Change) -> SalesProjection:
        by_status = dict(self.orders_by_status)
        if change.previous_status is not None:
            by_status[change.previous_status] -= 1
        by_status[change.status] = by_status.get(change.status, 0) + 1
        days = dict(self.sales_per_day)
        if change.day is not None and change.currency is not None:
            before = days.get((change.day, change.currency), DaySales(0, Decimal(0)))
            days[(change.day, change.currency)] = DaySales(
                before.orders + 1, before.revenue + change.revenue
            )
        products = dict(self.products)
        for sale in change.products:
            key = (sale.product_id, sale.currency)
            seen = products.get(key)
            products[key] = (
                sale
                if seen is None
                else replace(
                    sale,
                    quantity=seen.quantity + sale.quantity,
                    revenue=seen.revenue + sale.revenue,
                )
            )
        statuses = {**self.order_status, change.order_id: change.status}
        return replace(
            self,
            sales_per_day=days,
            products=products,
            orders_by_status=by_status,
            order_status=statuses,
        )

    def top_products(self, limit: int) -> list[ProductSale]:
        """Best sellers by units sold, then by revenue."""
        ranked = sorted(self.products.values(), key=lambda s: (-s.quantity, -s.revenue, s.name))
        return ranked[:limit]
