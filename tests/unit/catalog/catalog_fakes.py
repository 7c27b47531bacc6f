"""An in-memory catalog unit of work: what the handlers see, and what they published."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Self
from uuid import UUID

from shop.catalog.domain.product import Category, Product
from shop.catalog.domain.reservation import OrderReservation
from shop.catalog.domain.stock import StockItem
from shop.common.aggregate import Aggregate
from shop.common.events import DomainEvent


class FakeCategories:
    def __init__(self) -> None:
        self.rows: dict[str, Category] = {}

    async def get(self, slug: str) -> Category | None:
        return self.rows.get(slug)

    async def add(self, category: Category) -> None:
        self.rows[category.slug] = category


class FakeProducts:
    def __init__(self) -> None:
        self.rows: dict[UUID, Product] = {}

    async def get(self, product_id: UUID) -> Product | None:
        return self.rows.get(product_id)

    async def add(self, product: Product) -> None:
        self.rows[product.id] = product

    async def save(self, product: Product) -> None:
        self.rows[product.id] = product

    async def active_ids(self, product_ids: Iterable[UUID]) -> set[UUID]:
        return {pid for pid in product_ids if pid in self.rows and self.rows[pid].active}


class FakeStock:
    def __init__(self) -> None:
        self.rows: dict[UUID, StockItem] = {}

    async def lock(self, product_ids: Iterable[UUID]) -> dict[UUID, StockItem]:
        return {pid: self.rows[pid] for pid in sorted(set(product_ids)) if pid in self.rows}

    async def add(self, item: StockItem) -> None:
        self.rows[item.product_id] = item

    async def save(self, items: Sequence[StockItem]) -> None:
        for item in items:
            self.rows[item.product_id] = item


class FakeReservations:
    def __init__(self) -> None:
        self.rows: dict[UUID, OrderReservation] = {}

    async def lock(self, order_id: UUID) -> OrderReservation | None:
        return self.rows.get(order_id)

    async def save(self, reservation: OrderReservation) -> None:
        self.rows[reservation.order_id] = reservation


class FakeCatalogUnitOfWork:
    """Commit drains recorded events into `published`, as the real one writes the outbox."""

    def __init__(self) -> None:
        self.categories = FakeCategories()
        self.products = FakeProducts()
        self.stock = FakeStock()
        self.reservations = FakeReservations()
        self.published: list[DomainEvent] = []
        self.commits = 0

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
        aggregates: list[Aggregate] = [
            *self.products.rows.values(),
            *self.stock.rows.values(),
            *self.reservations.rows.values(),
        ]
        for aggregate in aggregates:
            self.published += [recorded.event for recorded in aggregate.drain_events()]
        self.commits += 1

    def take_published(self) -> list[DomainEvent]:
        published, self.published = self.published, []
        return published
