"""Catalog repositories over SQLAlchemy Core; loaded aggregates are tracked for the outbox."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from shop.catalog.adapters.tables import categories, products, stock_items
from shop.catalog.domain.money import Price
from shop.catalog.domain.product import Category, Product
from shop.catalog.domain.stock import StockItem
from shop.common.aggregate import Aggregate

Track = Callable[[Aggregate], None]


class SqlCategoryRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self._session = session

    async def get(self, slug: str) -> Category | None:
        row = await self._session.execute(select(categories).where(categories.c.slug == slug))
        found = row.mappings().first()
        return Category(found["slug"], found["name"]) if found else None

    async def add(self, category: Category) -> None:
        await self._session.execute(
            categories.insert().values(slug=category.slug, name=category.name)
        )


class SqlProductRepository:
    def __init__(self, session: AsyncConnection, track: Track) -> None:
        self._session = session
        self._track = track

    async def get(self, product_id: UUID) -> Product | None:
        query = select(products).where(products.c.id == product_id).with_for_update()
        found = (await self._session.execute(query)).mappings().first()
        if found is None:
            return None
        product = _product(found)
        self._track(product)
        return product

    async def add(self, product: Product) -> None:
        self._track(product)
        await self._session.execute(products.insert().values(id=product.id, **_columns(product)))

    async def save(self, product: Product) -> None:
        self._track(product)
        await self._session.execute(
            update(products)
            .where(products.c.id == product.id)
            .values(updated_at=func.now(), **_columns(product))
        )

    async def active_ids(self, product_ids: Iterable[UUID]) -> set[UUID]:
        query = select(products.c.id).where(
            products.c.id.in_(list(product_ids)), products.c.active.is_(True)
        )
        return set((await self._session.scalars(query)).all())


class SqlStockRepository:
    def __init__(self, session: AsyncConnection, track: Track) -> None:
        self._session = session
        self._track = track

    async def lock(self, product_ids: Iterable[UUID]) -> dict[UUID, StockItem]:
        query = (
            select(stock_items)
            .where(stock_items.c.product_id.in_(sorted(set(product_ids))))
            .order_by(stock_items.c.product_id)
            .with_for_update()
        )
        items = {}
        for row in (await self._session.execute(query)).mappings():
            item = StockItem(
                row["product_id"], row["on_hand"], row["reserved"], row["low_stock_threshold"]
            )
            self._track(item)
            items[item.product_id] = item
        return items

    async def add(self, item: StockItem) -> None:
        self._track(item)
        await self._session.execute(stock_items.insert().values(**_stock_columns(item)))

    async def save(self, items: Sequence[StockItem]) -> None:
        for item in items:
            self._track(item)
            await self._session.execute(
                update(stock_items)
                .where(stock_items.c.product_id == item.product_id)
                .values(**_stock_columns(item))
            )


def _product(row: RowMapping) -> Product:
    return Product(
        row["id"],
        row["name"],
        row["description"],
        row["category"],
        Price(row["price"], row["currency"]),
        row["active"],
        row["version"],
    )


def _columns(product: Product) -> dict[str, object]:
    return {
        "name": product.name,
        "description": product.description,
        "category": product.category,
        "price": product.price.amount,
        "currency": product.price.currency,
        "active": product.active,
        "version": product.version,
    }


def _stock_columns(item: StockItem) -> dict[str, object]:
    return {
        "product_id": item.product_id,
        "on_hand": item.on_hand,
        "reserved": item.reserved,
        "low_stock_threshold": item.low_stock_threshold,
    }
