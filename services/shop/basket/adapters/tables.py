"""The basket's tables: carts with their lines, checkouts by key, its copy of the catalog."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from shop.common.outbox import messaging_tables

SCHEMA = "basket"
metadata = MetaData(schema=SCHEMA)
MESSAGING = messaging_tables(SCHEMA, metadata)  # in `metadata`: Alembic compares them too

carts = Table(
    "carts",
    metadata,
    Column("customer_id", Text, primary_key=True),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Product id -> quantity: read by the statement that locks the cart (migration 0003).
    Column("lines", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
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
