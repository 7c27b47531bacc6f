"""Recommendation stores in PostgreSQL: the products' vectors (pgvector) and the counts of
products bought together (incremented per confirmed order, never recomputed).

The counts are prebuilt plain SQL on the unit of work's asyncpg connection (docs/adr/0056);
the vectors stay SQLAlchemy Core statements on `uow.session`: their `vector` type's codec is
pgvector's SQLAlchemy type, which the bare asyncpg connection does not have."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import ARRAY, Uuid, bindparam, func, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shop.catalog.adapters.tables import (
    bought_together,
    bought_together_orders,
    product_embeddings,
    products,
)
from shop.catalog.service_layer.unit_of_work import ProductToEmbed
from shop.common.plain_sql import PlainSql


class SqlEmbeddingRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self._session = session

    async def put(self, product_id: UUID, model: str, vector: Sequence[float]) -> None:
        await self._upsert(product_id, model, vector, replace_current=True)

    async def put_missing(self, product_id: UUID, model: str, vector: Sequence[float]) -> None:
        await self._upsert(product_id, model, vector, replace_current=False)

    async def _upsert(
        self, product_id: UUID, model: str, vector: Sequence[float], *, replace_current: bool
    ) -> None:
        row = insert(product_embeddings).values(
            product_id=product_id, model=model, embedding=list(vector)
        )
        replaced = {"model": model, "embedding": row.excluded.embedding, "updated_at": func.now()}
        stale = None if replace_current else product_embeddings.c.model != model
        await self._session.execute(
            row.on_conflict_do_update(index_elements=["product_id"], set_=replaced, where=stale)
        )

    async def missing(self, model: str, limit: int) -> list[ProductToEmbed]:
        current = select(product_embeddings.c.product_id).where(
            product_embeddings.c.product_id == products.c.id, product_embeddings.c.model == model
        )
        query = (
            select(products.c.id, products.c.name, products.c.category, products.c.description)
            .where(~current.exists())
            .order_by(products.c.id)
            .limit(limit)
        )
        return [ProductToEmbed(*row) for row in await self._session.execute(query)]


class SqlBoughtTogetherRepository:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def count_order(self, order_id: UUID) -> bool:
        return await _NOTE_ORDER.fetchrow(self._connection, {"order_id": order_id}) is not None

    async def add_pairs(self, pairs: Sequence[tuple[UUID, UUID]]) -> None:
        if not pairs:
            return
        await _ADD_PAIRS.execute(
            self._connection,
            {"products": [a for a, _ in pairs], "others": [b for _, b in pairs]},
        )


_NOTE_ORDER = PlainSql(
    insert(bought_together_orders)
    .values(order_id=bindparam("order_id", type_=Uuid))
    .on_conflict_do_nothing()
    .returning(bought_together_orders.c.order_id)
)
_PAIRS = insert(bought_together).from_select(
    ["product_id", "other_product_id", "orders"],
    select(
        func.unnest(bindparam("products", type_=ARRAY(Uuid))),
        func.unnest(bindparam("others", type_=ARRAY(Uuid))),
        literal(1),
    ),
)
_ADD_PAIRS = PlainSql(
    _PAIRS.on_conflict_do_update(
        index_elements=["product_id", "other_product_id"],
        set_={"orders": bought_together.c.orders + 1},
    )
)
"""One order's pairs (each once: an upsert cannot touch a row twice), from two arrays."""
