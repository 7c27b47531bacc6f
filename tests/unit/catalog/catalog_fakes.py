"""An in-memory catalog unit of work: what the handlers see, and what they published."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from shop.catalog.domain.product import Category, Product
from shop.catalog.domain.reservation import OrderReservation
from shop.catalog.domain.stock import StockItem
from shop.common.aggregate import Aggregate
from support.fakes import FakeRows, FakeUnitOfWork


class FakeProducts(FakeRows[UUID, Product]):
    def __init__(self) -> None:
        super().__init__(key=lambda product: product.id)

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


class FakeCatalogUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.categories = FakeRows[str, Category](lambda category: category.slug)
        self.products = FakeProducts()
        self.stock = FakeStock()
        self.reservations = FakeRows[UUID, OrderReservation](lambda r: r.order_id)

    def aggregates(self) -> Iterable[Aggregate]:
        return [
            *self.products.rows.values(),
            *self.stock.rows.values(),
            *self.reservations.rows.values(),
        ]
