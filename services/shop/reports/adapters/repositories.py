"""The projection in PostgreSQL: a change applied as increments (upserts), never recomputed.

A change is one statement (data-modifying CTEs: the order's status, the counts by status, the
day's sales and the products' sales), prebuilt plain SQL on the unit of work's asyncpg
connection (`shop.common.plain_sql`, docs/adr/0056). The API reads the projection through
`adapters.queries`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import ARRAY, Date, Numeric, String, Text, Uuid, bindparam, select, text
from sqlalchemy import Integer as SqlInteger

from shop.common.plain_sql import PlainSql
from shop.reports.adapters.tables import SCHEMA, order_status
from shop.reports.domain.projection import Change

_STATUS_OF = PlainSql(
    select(order_status.c.status)
    .where(order_status.c.order_id == bindparam("order_id", type_=Uuid))
    .with_for_update()
)

_APPLY = PlainSql(
    text(
        f"""
    WITH set_status AS (
        INSERT INTO {SCHEMA}.order_status (order_id, status)
        VALUES (CAST(:order_id AS uuid), CAST(:status AS varchar))
        ON CONFLICT (order_id) DO UPDATE SET status = excluded.status
    ), leave_status AS (
        UPDATE {SCHEMA}.orders_by_status SET orders = orders - 1
        WHERE status = CAST(:previous_status AS varchar)
    ), enter_status AS (
        INSERT INTO {SCHEMA}.orders_by_status (status, orders)
        VALUES (CAST(:status AS varchar), 1)
        ON CONFLICT (status) DO UPDATE SET orders = {SCHEMA}.orders_by_status.orders + 1
    ), add_day AS (
        INSERT INTO {SCHEMA}.sales_per_day (day, currency, orders, revenue)
        SELECT CAST(:day AS date), CAST(:currency AS varchar), 1, CAST(:revenue AS numeric)
        WHERE CAST(:day AS date) IS NOT NULL AND CAST(:currency AS varchar) IS NOT NULL
        ON CONFLICT (day, currency) DO UPDATE SET
            orders = {SCHEMA}.sales_per_day.orders + 1,
            revenue = {SCHEMA}.sales_per_day.revenue + excluded.revenue
    )
    INSERT INTO {SCHEMA}.product_sales (product_id, currency, name, quantity, revenue)
    SELECT * FROM unnest(
        CAST(:product_ids AS uuid[]), CAST(:currencies AS varchar[]), CAST(:names AS text[]),
        CAST(:quantities AS integer[]), CAST(:revenues AS numeric[])
    )
    ON CONFLICT (product_id, currency) DO UPDATE SET
        name = excluded.name,
        quantity = {SCHEMA}.product_sales.quantity + excluded.quantity,
        revenue = {SCHEMA}.product_sales.revenue + excluded.revenue
    """
    ).bindparams(
        bindparam("order_id", type_=Uuid),
        bindparam("status", type_=String),
        bindparam("previous_status", type_=String),
        bindparam("day", type_=Date),
        bindparam("currency", type_=String),
        bindparam("revenue", type_=Numeric),
        bindparam("product_ids", type_=ARRAY(Uuid)),
        bindparam("currencies", type_=ARRAY(String)),
        bindparam("names", type_=ARRAY(Text)),
        bindparam("quantities", type_=ARRAY(SqlInteger)),
        bindparam("revenues", type_=ARRAY(Numeric)),
    )
)
"""One change, whole: the status rows (the previous status's count down, the new one's up),
then, on confirmation, the day's and the products' sales (no rows before confirmation)."""


class SqlProjectionRepository:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def status_of(self, order_id: UUID) -> str | None:
        status: str | None = await _STATUS_OF.fetchval(self._connection, {"order_id": order_id})
        return status

    async def apply(self, change: Change) -> None:
        await _APPLY.execute(self._connection, _parameters(change))


def _parameters(change: Change) -> dict[str, Any]:
    # One row per product and currency: an upsert cannot touch a row twice in one statement.
    sales: dict[tuple[UUID, str], tuple[str, int, Decimal]] = {}
    for sale in change.products:
        _, quantity, revenue = sales.get((sale.product_id, sale.currency), ("", 0, Decimal(0)))
        sales[(sale.product_id, sale.currency)] = (
            sale.name,
            quantity + sale.quantity,
            revenue + sale.revenue,
        )
    return {
        "order_id": change.order_id,
        "status": change.status,
        "previous_status": change.previous_status,
        "day": change.day,
        "currency": change.currency,
        "revenue": change.revenue,
        "product_ids": [product_id for product_id, _ in sales],
        "currencies": [currency for _, currency in sales],
        "names": [name for name, _, _ in sales.values()],
        "quantities": [quantity for _, quantity, _ in sales.values()],
        "revenues": [revenue for _, _, revenue in sales.values()],
    }
