"""An in-memory ordering unit of work and a recording saga observer."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Self
from uuid import UUID

from shop.common.events import DomainEvent
from shop.ordering.domain.order import Order
from shop.ordering.domain.order_terms import OrderStatus
from shop.ordering.domain.saga import WAITING


class FakeOrders:
    def __init__(self) -> None:
        self.rows: dict[UUID, Order] = {}
        self.saves = 0

    async def get(self, order_id: UUID) -> Order | None:
        return self.rows.get(order_id)

    async def lock(self, order_id: UUID) -> Order | None:
        return self.rows.get(order_id)

    async def add(self, order: Order) -> None:
        self.rows[order.id] = order

    async def save(self, order: Order) -> None:
        self.saves += 1
        self.rows[order.id] = order

    async def due(self, now: datetime, limit: int) -> list[UUID]:
        waiting = [
            o
            for o in self.rows.values()
            if o.status in WAITING and o.saga.deadline is not None and o.saga.deadline <= now
        ]
        waiting.sort(key=lambda o: o.saga.deadline or now)
        return [o.id for o in waiting[:limit]]


class FakeOrderingUnitOfWork:
    def __init__(self) -> None:
        self.orders = FakeOrders()
        self.published: list[DomainEvent] = []

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        for order in self.orders.rows.values():
            self.published += [recorded.event for recorded in order.drain_events()]

    def take_published(self) -> list[DomainEvent]:
        published, self.published = self.published, []
        return published


class RecordingObserver:
    def __init__(self) -> None:
        self.changes: list[tuple[UUID, OrderStatus | None, OrderStatus]] = []

    def changed(self, order: Order, previous: OrderStatus | None, now: datetime) -> None:
        self.changes.append((order.id, previous, order.status))
