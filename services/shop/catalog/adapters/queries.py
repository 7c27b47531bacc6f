"""Read-side queries of the catalog API (no aggregates, no locks)."""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.adapters.tables import (
    bought_together,
    categories,
    product_embeddings,
    products,
    stock_items,
)


class ProductSort(enum.StrEnum):
    NAME = "name"
    PRICE = "price"
    PRICE_DESC = "-price"
    NEWEST = "-created"


@dataclass(frozen=True)
class ProductFilter:
    text: str | None = None
    category: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    include_inactive: bool = False


_SEARCH_VECTOR = func.to_tsvector("english", products.c.name + " " + products.c.description)
_ORDER = {
    ProductSort.NAME: (products.c.name, products.c.id),
    ProductSort.PRICE: (products.c.price, products.c.id),
    ProductSort.PRICE_DESC: (products.c.price.desc(), products.c.id),
    ProductSort.NEWEST: (products.c.created_at.desc(), products.c.id),
}


def page_key(where: ProductFilter, sort: ProductSort, limit: int, offset: int) -> str:
    """One search page's identity: the same filter, sort and window give the same key."""
    return json.dumps([asdict(where), sort.value, limit, offset], default=str, sort_keys=True)


def _product_view() -> Select[Any]:
    return select(
        products,
        stock_items.c.on_hand,
        stock_items.c.reserved,
        stock_items.c.low_stock_threshold,
    ).join(stock_items, stock_items.c.product_id == products.c.id)


def _conditions(where: ProductFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.text:
        conditions.append(
            _SEARCH_VECTOR.bool_op("@@")(func.websearch_to_tsquery("english", where.text))
        )
    if where.category:
        conditions.append(products.c.category == where.category)
    if where.min_price is not None:
        conditions.append(products.c.price >= where.min_price)
    if where.max_price is not None:
        conditions.append(products.c.price <= where.max_price)
    if not where.include_inactive:
        conditions.append(products.c.active.is_(True))
    return conditions


async def search_products(
    session: AsyncSession, where: ProductFilter, sort: ProductSort, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of matching products (with their stock) and the number of all matches."""
    conditions = _conditions(where)
    total = await session.scalar(select(func.count()).select_from(products).where(*conditions))
    page = _product_view().where(*conditions).order_by(*_ORDER[sort]).limit(limit).offset(offset)
    rows = (await session.execute(page)).mappings().all()
    return [dict(row) for row in rows], int(total or 0)


async def get_product(session: AsyncSession, product_id: UUID) -> dict[str, Any] | None:
    row = (await session.execute(_product_view().where(products.c.id == product_id))).mappings()
    found = row.first()
    return dict(found) if found else None


async def list_categories(session: AsyncSession) -> list[dict[str, Any]]:
    query = select(categories.c.slug, categories.c.name).order_by(categories.c.name)
    return [dict(row) for row in (await session.execute(query)).mappings().all()]


async def bought_together_with(
    session: AsyncSession, product_id: UUID, limit: int
) -> list[dict[str, Any]]:
    """The products on sale most often confirmed in one order with `product_id` (with their
    stock and `orders`, how many orders held both), most often first."""
    query = (
        _product_view()
        .add_columns(bought_together.c.orders)
        .join(bought_together, bought_together.c.other_product_id == products.c.id)
        .where(bought_together.c.product_id == product_id, products.c.active.is_(True))
        .order_by(bought_together.c.orders.desc(), products.c.name, products.c.id)
        .limit(limit)
    )
    return [dict(row) for row in (await session.execute(query)).mappings().all()]


async def nearest_products(
    session: AsyncSession, vector: Sequence[float], model: str, limit: int
) -> list[dict[str, Any]]:
    """The products on sale whose vectors (of `model`) are nearest to `vector` by cosine
    distance (with their stock and `similarity`, 1 - distance), nearest first."""
    distance = product_embeddings.c.embedding.cosine_distance(list(vector))
    query = (
        _product_view()
        .add_columns((1 - distance).label("similarity"))
        .join(product_embeddings, product_embeddings.c.product_id == products.c.id)
        .where(product_embeddings.c.model == model, products.c.active.is_(True))
        .order_by(distance, products.c.id)
        .limit(limit)
    )
    return [dict(row) for row in (await session.execute(query)).mappings().all()]
