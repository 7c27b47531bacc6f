"""Payment's table: one payment per order."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, Numeric, String, Table, Text, Uuid, func

from shop.common.outbox import messaging_tables

SCHEMA = "payment"
metadata = MetaData(schema=SCHEMA)
MESSAGING = messaging_tables(SCHEMA, metadata)  # in `metadata`: Alembic compares them too

payments = Table(
    "payments",
    metadata,
    Column("order_id", Uuid, primary_key=True),
    Column("customer_id", Text, nullable=False),
    Column("amount", Numeric(12, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reference", Text),
    Column("failure_reason", Text),
    Column("refunded_amount", Numeric(12, 2), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
