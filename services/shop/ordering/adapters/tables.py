"""Ordering's tables: orders with their saga state, the append-only order history, and each
customer's confirmed totals (what fraud screening reads)."""

from __future__ import annotations

from sqlalchemy import (
    ARRAY,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Uuid,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSON, JSONB, aggregate_order_by

from shop.common.outbox import messaging_tables

SCHEMA = "ordering"
metadata = MetaData(schema=SCHEMA)
MESSAGING = messaging_tables(SCHEMA, metadata)  # in `metadata`: Alembic compares them too

orders = Table(
    "orders",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("customer_id", Text, nullable=False),
    Column("email", Text),
    Column("lines", JSONB, nullable=False),
    Column("total", Numeric(12, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False),
    Column("deadline", DateTime(timezone=True)),
    Column("cancel_reason", String(32)),
    Column("awaiting", ARRAY(Text), nullable=False),
    Column("risk", JSONB),  # the fraud score as placed: {score, threshold, reasons}
    Column("placed_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # The sequence of the order's last history entry: tells a reader that waited for the
    # row's lock that the history it read beside the row is behind (ADR 0067).
    Column("last_history_sequence", Integer, nullable=False),
    Index("orders_customer_idx", "customer_id", "placed_at"),
    # What the saga timer scans: only orders still waiting on a step.
    Index(
        "orders_waiting_deadline_idx",
        "deadline",
        postgresql_where=text("status IN ('PENDING', 'STOCK_RESERVED')"),
    ),
)

order_history = Table(
    "order_history",
    metadata,
    Column("order_id", Uuid, ForeignKey(orders.c.id), primary_key=True),
    Column("sequence", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("detail", Text),
    Column("cause_event_id", Uuid, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

ORDER_HISTORY_JSON = (
    select(
        func.coalesce(
            func.json_agg(
                aggregate_order_by(
                    func.json_build_array(
                        order_history.c.sequence,
                        order_history.c.kind,
                        order_history.c.status,
                        order_history.c.detail,
                        order_history.c.cause_event_id,
                        order_history.c.at,
                    ),
                    order_history.c.sequence,
                )
            ),
            literal_column("'[]'::json"),
            type_=JSON,
        )
    )
    .where(order_history.c.order_id == orders.c.id)
    .scalar_subquery()
    .label("history")
)
"""An order's history entries, oldest first, as a JSON array of [sequence, kind, status,
detail, cause_event_id, at]: selected beside the order's row, so the order repository and the
API read an order with its history in one round trip."""

customer_totals = Table(
    "customer_totals",
    metadata,
    Column("customer_id", Text, primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("confirmed_orders", Integer, nullable=False),
    Column("confirmed_total", Numeric(18, 2), nullable=False),
)
"""Kept by the order repository as each order is confirmed (ADR 0054)."""
