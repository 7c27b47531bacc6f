"""An in-memory ordering unit of work and a recording saga observer."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from shop.ordering.domain.fraud import CustomerHistory
from shop.ordering.domain.order import Order
from shop.ordering.domain.order_terms import OrderStatus
from shop.ordering.domain.saga import WAITING
from support.fakes import FakeRows, FakeUnitOfWork


class FakeOrders(FakeRows[UUID, Order]):
    def __init__(self) -> None:
        super().__init__(key=lambda order: order.id)
        self.saves = 0
        self.held: list[tuple[list[UUID], list[UUID]]] = []
        """Each `hold`: the orders, and those confirming, as asked."""

    async def hold(self, order_ids: Collection[UUID], *, confirming: Collection[UUID]) -> None:
        self.held.append((list(order_ids), list(confirming)))

    async def save(self, item: Order) -> None:
        self.saves += 1
        await super().save(item)

    async def history_before(
        self, order_id: UUID, customer_id: str, currency: str, since: datetime
    ) -> CustomerHistory | None:
        if order_id in self.rows:
            return None
        mine = [o for o in self.rows.values() if o.terms.customer_id == customer_id]
        confirmed = [
            o.terms.total
            for o in mine
            if o.status is OrderStatus.CONFIRMED and o.terms.currency == currency
        ]
        recent = sum(1 for o in mine if o.placed_at >= since)
        return CustomerHistory(recent, len(confirmed), sum(confirmed, Decimal(0)))

    async def due(self, now: datetime, limit: int) -> list[UUID]:
        waiting = [
            o
            for o in self.rows.values()
            if o.status in WAITING and o.saga.deadline is not None and o.saga.deadline <= now
        ]
        waiting.sort(key=lambda o: o.saga.deadline or now)
        return [o.id for o in waiting[:limit]]


class FakeOrderingUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.orders = FakeOrders()

    def aggregates(self) -> Iterable[Order]:
        return self.orders.rows.values()


class RecordingObserver:
    def __init__(self) -> None:
        self.changes: list[tuple[UUID, OrderStatus | None, OrderStatus]] = []

    def changed(self, order: Order, previous: OrderStatus | None, now: datetime) -> None:
        self.changes.append((order.id, previous, order.status))
