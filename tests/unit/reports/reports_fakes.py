"""An in-memory projection store backed by the pure reducer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import UUID

from shop.reports.domain.projection import Change, DaySales, ProductSale, SalesProjection
from support.fakes import FakeUnitOfWork


class FakeProjectionStore:
    def __init__(self) -> None:
        self.state = SalesProjection()
        self.applied: list[Change] = []

    async def status_of(self, order_id: UUID) -> str | None:
        return self.state.order_status.get(order_id)

    async def apply(self, change: Change) -> None:
        self.applied.append(change)
        self.state = self.state.with_change(change)
        self.state = replace(self.state, applied=self.state.applied | {change.event_id})

    async def sales_per_day(self, first: date, last: date) -> dict[tuple[date, str], DaySales]:
        return {k: v for k, v in self.state.sales_per_day.items() if first <= k[0] <= last}

    async def top_products(self, limit: int) -> list[ProductSale]:
        return self.state.top_products(limit)

    async def orders_by_status(self) -> dict[str, int]:
        return dict(self.state.orders_by_status)


class FakeReportsUnitOfWork(FakeUnitOfWork):
    """The projection is applied as handlers run; commit has no events to publish."""

    def __init__(self) -> None:
        super().__init__()
        self.projection = FakeProjectionStore()
