"""Ordering tables: orders with their saga state, and the append-only order history.

Revision ID: 0002_ordering
Revises: 0001_messaging
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from shop.common.migrations import migration_schema

revision: str = "0002_ordering"
down_revision: str | Sequence[str] | None = "0001_messaging"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    s = migration_schema()
    op.create_table(
        "orders",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("customer_id", sa.Text, nullable=False),
        sa.Column("email", sa.Text),
        sa.Column("lines", JSONB, nullable=False),
        sa.Column("total", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True)),
        sa.Column("cancel_reason", sa.String(32)),
        sa.Column("awaiting", sa.ARRAY(sa.Text), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('PENDING', 'STOCK_RESERVED', 'CONFIRMED', 'CANCELLED')",
            name="orders_status_known",
        ),
        schema=s,
    )
    op.create_index("orders_customer_idx", "orders", ["customer_id", "placed_at"], schema=s)
    # What the saga timer scans: only orders still waiting on a step.
    op.create_index(
        "orders_waiting_deadline_idx",
        "orders",
        ["deadline"],
        schema=s,
        postgresql_where=sa.text("status IN ('PENDING', 'STOCK_RESERVED')"),
    )
    op.create_table(
        "order_history",
        sa.Column("order_id", sa.Uuid, sa.ForeignKey(f"{s}.orders.id"), primary_key=True),
        sa.Column("sequence", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("cause_event_id", sa.Uuid, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        schema=s,
    )


def downgrade() -> None:
    s = migration_schema()
    op.drop_table("order_history", schema=s)
    op.drop_table("orders", schema=s)
