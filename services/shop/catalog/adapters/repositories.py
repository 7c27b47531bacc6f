"""Catalog repositories over SQLAlchemy Core; loaded aggregates are tracked for the outbox.

The stock statements the saga's commands run are built once, with bound parameters, and are
set-based: a reservation's lines are locked in one statement and written in one."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from uuid import UUID

from sqlalchemy import ARRAY, Integer, Uuid, any_, bindparam, func, select, update
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


class SqlStockRepository:
    def __init__(self, session: AsyncConnection, track: Track) -> None:
        self._session = session
        self._track = track

    async def lock(self, product_ids: Iterable[UUID]) -> dict[UUID, StockItem]:
        stock, _ = await self.lock_for_sale(product_ids)
        return stock

    async def lock_for_sale(
        self, product_ids: Iterable[UUID]
    ) -> tuple[dict[UUID, StockItem], set[UUID]]:
        rows = await self._session.execute(_LOCK_STOCK, {"product_ids": sorted(set(product_ids))})
        items, on_sale = {}, set()
        for product_id, on_hand, reserved, threshold, active in rows:
            item = StockItem(product_id, on_hand, reserved, threshold)
            self._track(item)
            items[product_id] = item
            if active:
                on_sale.add(product_id)
        return items, on_sale

    async def add(self, item: StockItem) -> None:
        self._track(item)
        await self._session.execute(stock_items.insert().values(**_stock_columns(item)))

    async def save(self, items: Sequence[StockItem]) -> None:
        if not items:
            return
        for item in items:
            self._track(item)
        await self._session.execute(SAVE_STOCK, stock_parameters(items))


def stock_parameters(items: Iterable[StockItem]) -> dict[str, list[object]]:
    """`SAVE_STOCK`'s parameters: one array per column."""
    listed = list(items)
    return {
        "stock_product_ids": [item.product_id for item in listed],
        "stock_on_hand": [item.on_hand for item in listed],
        "stock_reserved": [item.reserved for item in listed],
        "stock_thresholds": [item.low_stock_threshold for item in listed],
    }


_LOCK_STOCK = (
    select(
        stock_items.c.product_id,
        stock_items.c.on_hand,
        stock_items.c.reserved,
        stock_items.c.low_stock_threshold,
        products.c.active,
    )
    .join(products, products.c.id == stock_items.c.product_id)
    .where(stock_items.c.product_id == any_(bindparam("product_ids", type_=ARRAY(Uuid))))
    .order_by(stock_items.c.product_id)
    .with_for_update(of=stock_items)
)
"""Stock rows, locked in product id order (no deadlocks), with whether each is on sale."""


_SAVED = (
    select(
        func.unnest(bindparam("stock_product_ids", type_=ARRAY(Uuid))).label("product_id"),
        func.unnest(bindparam("stock_on_hand", type_=ARRAY(Integer))).label("on_hand"),
        func.unnest(bindparam("stock_reserved", type_=ARRAY(Integer))).label("reserved"),
        func.unnest(bindparam("stock_thresholds", type_=ARRAY(Integer))).label("threshold"),
    )
).subquery("saved")
SAVE_STOCK = (
    update(stock_items)
    .where(stock_items.c.product_id == _SAVED.c.product_id)
    .values(
        on_hand=_SAVED.c.on_hand,
        reserved=_SAVED.c.reserved,
        low_stock_threshold=_SAVED.c.threshold,
    )
)
"""Every item's counts, from one array per column (`stock_parameters`)."""


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
