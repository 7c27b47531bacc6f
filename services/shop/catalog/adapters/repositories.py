"""Catalog repositories: prebuilt plain SQL on the unit of work's asyncpg connection
(`shop.common.plain_sql`, docs/adr/0056); loaded aggregates are tracked for the outbox.

The stock statements the saga's commands run are set-based: a reservation's lines are locked
in one statement and written in one."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import ARRAY, Integer, Uuid, any_, bindparam, func, select, union, update

from shop.catalog.adapters.tables import categories, products, reservations, stock_items
from shop.catalog.domain.money import Price
from shop.catalog.domain.product import Category, Product
from shop.catalog.domain.stock import StockItem
from shop.common.aggregate import Aggregate
from shop.common.plain_sql import PlainSql, bound

Track = Callable[[Aggregate], None]


_CATEGORY_COLUMNS = bound(categories, "slug", "name")
_GET_CATEGORY = PlainSql(select(categories).where(categories.c.slug == _CATEGORY_COLUMNS["slug"]))
_ADD_CATEGORY = PlainSql(categories.insert().values(_CATEGORY_COLUMNS))
_PRODUCT_ID = bindparam("id", type_=products.c.id.type)
_PRODUCT_COLUMNS = bound(
    products, "name", "description", "category", "price", "currency", "active", "version"
)
_LOCK_PRODUCT = PlainSql(select(products).where(products.c.id == _PRODUCT_ID).with_for_update())
_ADD_PRODUCT = PlainSql(products.insert().values({"id": _PRODUCT_ID, **_PRODUCT_COLUMNS}))
_SAVE_PRODUCT = PlainSql(
    update(products)
    .where(products.c.id == _PRODUCT_ID)
    .values({"updated_at": func.now(), **_PRODUCT_COLUMNS})
)
_ADD_STOCK = PlainSql(
    stock_items.insert().values(
        bound(stock_items, "product_id", "on_hand", "reserved", "low_stock_threshold")
    )
)


class SqlCategoryRepository:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def get(self, slug: str) -> Category | None:
        found = await _GET_CATEGORY.fetchrow(self._connection, {"slug": slug})
        return Category(found["slug"], found["name"]) if found else None

    async def add(self, category: Category) -> None:
        await _ADD_CATEGORY.execute(
            self._connection, {"slug": category.slug, "name": category.name}
        )


class SqlProductRepository:
    def __init__(self, connection: asyncpg.Connection, track: Track) -> None:
        self._connection = connection
        self._track = track

    async def get(self, product_id: UUID) -> Product | None:
        found = await _LOCK_PRODUCT.fetchrow(self._connection, {"id": product_id})
        if found is None:
            return None
        product = _product(found)
        self._track(product)
        return product

    async def add(self, product: Product) -> None:
        self._track(product)
        await _ADD_PRODUCT.execute(self._connection, {"id": product.id, **_columns(product)})

    async def save(self, product: Product) -> None:
        self._track(product)
        await _SAVE_PRODUCT.execute(self._connection, {"id": product.id, **_columns(product)})


class SqlStockRepository:
    def __init__(self, connection: asyncpg.Connection, track: Track) -> None:
        self._connection = connection
        self._track = track
        self._held: set[UUID] = set()  # stock rows this transaction has locked

    async def lock(self, product_ids: Iterable[UUID]) -> dict[UUID, StockItem]:
        stock, _ = await self.lock_for_sale(product_ids)
        return stock

    async def lock_for_sale(
        self, product_ids: Iterable[UUID]
    ) -> tuple[dict[UUID, StockItem], set[UUID]]:
        rows = await _LOCK_STOCK.fetch(self._connection, {"product_ids": sorted(set(product_ids))})
        self._held.update(row[0] for row in rows)
        items, on_sale = {}, set()
        for product_id, on_hand, reserved, threshold, active in rows:
            item = StockItem(product_id, on_hand, reserved, threshold)
            self._track(item)
            items[product_id] = item
            if active:
                on_sale.add(product_id)
        return items, on_sale

    async def hold(
        self, product_ids: Iterable[UUID], *, reserved_by: Collection[UUID] = ()
    ) -> None:
        wanted = set(product_ids) - self._held
        if not wanted and not reserved_by:
            return  # held already: no round trip
        rows = await _HOLD_STOCK.fetch(
            self._connection, {"product_ids": sorted(wanted), "order_ids": list(reserved_by)}
        )
        self._held.update(row[0] for row in rows)

    async def add(self, item: StockItem) -> None:
        self._track(item)
        await _ADD_STOCK.execute(self._connection, _stock_columns(item))

    async def save(self, items: Sequence[StockItem]) -> None:
        if not items:
            return
        for item in items:
            self._track(item)
        await _SAVE_STOCK.execute(self._connection, stock_parameters(items))


def stock_parameters(items: Iterable[StockItem]) -> dict[str, list[object]]:
    """`SAVE_STOCK`'s parameters: one array per column."""
    listed = list(items)
    return {
        "stock_product_ids": [item.product_id for item in listed],
        "stock_on_hand": [item.on_hand for item in listed],
        "stock_reserved": [item.reserved for item in listed],
        "stock_thresholds": [item.low_stock_threshold for item in listed],
    }


_LOCK_STOCK = PlainSql(
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

_HOLD_STOCK = PlainSql(
    select(stock_items.c.product_id)
    .where(
        stock_items.c.product_id.in_(
            union(
                select(func.unnest(bindparam("product_ids", type_=ARRAY(Uuid)))),
                select(reservations.c.product_id).where(
                    reservations.c.order_id == any_(bindparam("order_ids", type_=ARRAY(Uuid)))
                ),
            )
        )
    )
    .order_by(stock_items.c.product_id)
    .with_for_update()
)
"""Stock rows of products and of the orders' reserved lines, locked in product id order, in one
statement (a chunk's, `SqlStockRepository.hold`), loading nothing."""


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
_SAVE_STOCK = PlainSql(SAVE_STOCK)


def _product(row: asyncpg.Record) -> Product:
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
