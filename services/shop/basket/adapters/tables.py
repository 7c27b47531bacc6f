"""The basket's tables: carts and their lines, checkouts by key, its copy of the catalog."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Uuid,
    func,
)

from shop.common.outbox import messaging_tables

SCHEMA = "basket"
metadata = MetaData(schema=SCHEMA)
MESSAGING = messaging_tables(SCHEMA, metadata)  # in `metadata`: Alembic compares them too

carts = Table(
    "carts",
    metadata,
    Column("customer_id", Text, primary_key=True),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

cart_lines = Table(
    "cart_lines",
    metadata,
    Column("customer_id", Text, ForeignKey(carts.c.customer_id), primary_key=True),
    Column("product_id", Uuid, primary_key=True),
    Column("quantity", Integer, nullable=False),
)

checkouts = Table(
    "checkouts",
    metadata,
    Column("customer_id", Text, primary_key=True),
    Column("idempotency_key", String(128), primary_key=True),
    Column("order_id", Uuid, nullable=False, unique=True),
    Column("checked_out_at", DateTime(timezone=True), nullable=False),
)

products = Table(
    "products",
    metadata,
    Column("product_id", Uuid, primary_key=True),
    Column("name", Text, nullable=False),
    Column("price", Numeric(12, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
)
