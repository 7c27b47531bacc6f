"""Ordering's ports: the order repository, the unit of work (handlers never commit) and the
saga's observer."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol
from uuid import UUID

from shop.common.uow_port import UnitOfWorkPort
from shop.ordering.domain.fraud import CustomerHistory
from shop.ordering.domain.order import Order
from shop.ordering.domain.order_terms import OrderStatus


class OrderRepository(Protocol):
    async def get(self, order_id: UUID) -> Order | None: ...

    async def lock(self, order_id: UUID) -> Order | None:
        """The order, locked until commit (its saga advances one message at a time)."""
        ...

    async def hold(self, order_ids: Collection[UUID], *, confirming: Collection[UUID]) -> None:
        """Lock these orders, then the totals of the customers of `confirming` (orders whose
        confirmation may follow), each kind in one order every caller shares; loads nothing."""
        ...

    async def add(self, order: Order) -> None: ...

    async def save(self, order: Order) -> None:
        """Store the saga state and append the history entries not stored yet."""
        ...

    async def history_before(
        self, order_id: UUID, customer_id: str, currency: str, since: datetime
    ) -> CustomerHistory | None:
        """The customer's orders before this one: placed since `since`, and confirmed in
        `currency`; None if this order is placed already (its checkout is a duplicate)."""
        ...

    async def due(self, now: datetime, limit: int) -> list[UUID]:
        """Orders waiting on a step whose deadline is at or before `now`, oldest first."""
        ...


class OrderingUnitOfWork(UnitOfWorkPort, Protocol):
    @property
    def orders(self) -> OrderRepository: ...


class SagaObserver(Protocol):
    """Told about every change of an order (metrics: outcomes, durations)."""

    def changed(self, order: Order, previous: OrderStatus | None, now: datetime) -> None: ...
