"""Each order keeps the sequence of its last history entry (ADR 0067).

A saga step that waited for the order's row lock reads the row as last committed but the
history as of its statement's start; the row's sequence tells it that the history it read is
behind, and it reads it again. Filled from the history written so far.

Revision ID: 0008_order_last_history_sequence
Revises: 0007_order_history_news
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shop.common.migrations import migration_schema

revision: str = "0008_order_last_history_sequence"
down_revision: str | Sequence[str] | None = "0007_order_history_news"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    s = migration_schema()
    op.add_column(
        "orders",
        sa.Column("last_history_sequence", sa.Integer, nullable=False, server_default="0"),
        schema=s,
    )
    op.execute(
        f"""UPDATE {s}.orders o SET last_history_sequence = h.last
            FROM (SELECT order_id, max(sequence) AS last FROM {s}.order_history
                  GROUP BY order_id) h
            WHERE h.order_id = o.id"""
    )
    op.alter_column("orders", "last_history_sequence", server_default=None, schema=s)


def downgrade() -> None:
    op.drop_column("orders", "last_history_sequence", schema=migration_schema())
