"""Reports' projection tables: each order's status, sales per day, product sales, counts."""

from __future__ import annotations

from sqlalchemy import Column, Date, Index, Integer, MetaData, Numeric, String, Table, Text, Uuid

from shop.common.outbox import messaging_tables

SCHEMA = "reports"
metadata = MetaData(schema=SCHEMA)
MESSAGING = messaging_tables(SCHEMA, metadata)  # in `metadata`: Alembic compares them too

order_status = Table(
    "order_status",
    metadata,
    Column("order_id", Uuid, primary_key=True),
    Column("status", String(16), nullable=False),
)

orders_by_status = Table(
    "orders_by_status",
    metadata,
    Column("status", String(16), primary_key=True),
    Column("orders", Integer, nullable=False),
)

sales_per_day = Table(
    "sales_per_day",
    metadata,
    Column("day", Date, primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("orders", Integer, nullable=False),
    Column("revenue", Numeric(14, 2), nullable=False),
)

product_sales = Table(
    "product_sales",
    metadata,
    Column("product_id", Uuid, primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("name", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("revenue", Numeric(14, 2), nullable=False),
    Index("product_sales_rank_idx", "quantity", "revenue"),
)
