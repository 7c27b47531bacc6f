"""An in-memory catalog unit of work (what the handlers see, and what they published), and a
toy embedding model for the handlers' tests."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from uuid import UUID

from shop.catalog.domain.product import Category, Product
from shop.catalog.domain.reservation import OrderReservation
from shop.catalog.domain.stock import StockItem
from shop.catalog.service_layer.unit_of_work import ProductToEmbed
from shop.common.aggregate import Aggregate
from support.fakes import FakeRows, FakeUnitOfWork


class FakeProducts(FakeRows[UUID, Product]):
    def __init__(self) -> None:
        super().__init__(key=lambda product: product.id)


class FakeStock:
    def __init__(self, products: FakeProducts) -> None:
        self.rows: dict[UUID, StockItem] = {}
        self._products = products
        self.held: list[tuple[list[UUID], list[UUID]]] = []  # (products, reserved_by) per hold

    async def lock(self, product_ids: Iterable[UUID]) -> dict[UUID, StockItem]:
        return {pid: self.rows[pid] for pid in sorted(set(product_ids)) if pid in self.rows}

    async def lock_for_sale(
        self, product_ids: Iterable[UUID]
    ) -> tuple[dict[UUID, StockItem], set[UUID]]:
        stock = await self.lock(product_ids)
        products = self._products.rows
        return stock, {pid for pid in stock if pid in products and products[pid].active}

    async def hold(
        self, product_ids: Iterable[UUID], *, reserved_by: Collection[UUID] = ()
    ) -> None:
        self.held.append((sorted(set(product_ids)), sorted(reserved_by)))

    async def add(self, item: StockItem) -> None:
        self.rows[item.product_id] = item

    async def save(self, items: Sequence[StockItem]) -> None:
        for item in items:
            self.rows[item.product_id] = item


class WordCountEmbedder:
    """A toy model: each word bumps one of 8 dimensions (by its checksum); texts sharing words
    point the same way. Records what it embedded."""

    model = "word-count-8"
    dimensions = 8

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.texts.extend(texts)
        return [self._vector(text) for text in texts]

    def _vector(self, text: str) -> list[float]:
        counts = Counter(zlib.crc32(word.encode()) % 8 for word in text.lower().split())
        return [float(counts[i]) for i in range(8)]


class FakeEmbeddings:
    def __init__(self, products: FakeProducts) -> None:
        self.products = products
        self.rows: dict[UUID, tuple[str, list[float]]] = {}

    async def put(self, product_id: UUID, model: str, vector: Sequence[float]) -> None:
        self.rows[product_id] = (model, list(vector))

    async def put_missing(self, product_id: UUID, model: str, vector: Sequence[float]) -> None:
        if self.rows.get(product_id, ("",))[0] != model:
            await self.put(product_id, model, vector)

    async def missing(self, model: str, limit: int) -> list[ProductToEmbed]:
        stale = [
            p
            for p in sorted(self.products.rows.values(), key=lambda p: p.id)
            if self.rows.get(p.id, ("",))[0] != model
        ]
        return [ProductToEmbed(p.id, p.name, p.category, p.description) for p in stale[:limit]]


class FakeBoughtTogether:
    def __init__(self) -> None:
        self.orders: set[UUID] = set()
        self.pairs: Counter[tuple[UUID, UUID]] = Counter()

    async def count_order(self, order_id: UUID) -> bool:
        if order_id in self.orders:
            return False
        self.orders.add(order_id)
        return True

    async def add_pairs(self, pairs: Sequence[tuple[UUID, UUID]]) -> None:
        self.pairs.update(pairs)


class FakeReservations(FakeRows[UUID, OrderReservation]):
    def __init__(self, stock: FakeStock) -> None:
        super().__init__(key=lambda reservation: reservation.order_id)
        self._stock = stock
        self.locked_orders: list[list[UUID]] = []  # per lock_orders

    async def lock_orders(self, order_ids: Collection[UUID]) -> None:
        self.locked_orders.append(sorted(order_ids))

    async def save(self, item: OrderReservation, stock: Collection[StockItem] = ()) -> None:
        await self._stock.save(list(stock))
        await super().save(item)


class FakeCatalogUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.categories = FakeRows[str, Category](lambda category: category.slug)
        self.products = FakeProducts()
        self.stock = FakeStock(self.products)
        self.reservations = FakeReservations(self.stock)
        self.embeddings = FakeEmbeddings(self.products)
        self.bought_together = FakeBoughtTogether()

    def aggregates(self) -> Iterable[Aggregate]:
        return [
            *self.products.rows.values(),
            *self.stock.rows.values(),
            *self.reservations.rows.values(),
        ]
