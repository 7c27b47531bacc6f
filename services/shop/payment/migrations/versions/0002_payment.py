"""Payment table: one payment per order.

Revision ID: 0002_payment
Revises: 0001_messaging
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shop.common.migrations import migration_schema

revision: str = "0002_payment"
down_revision: str | Sequence[str] | None = "0001_messaging"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    now = sa.text("now()")
    op.create_table(
        "payments",
        sa.Column("order_id", sa.Uuid, primary_key=True),
        sa.Column("customer_id", sa.Text, nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reference", sa.Text),
        sa.Column("failure_reason", sa.Text),
        sa.Column("refunded_amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
        sa.CheckConstraint(
            "status IN ('succeeded', 'failed', 'refunded', 'voided')", name="payments_status_known"
        ),
        sa.CheckConstraint(
            "amount >= 0 AND refunded_amount >= 0 AND refunded_amount <= amount",
            name="payments_amounts_consistent",
        ),
        schema=migration_schema(),
    )


def downgrade() -> None:
    op.drop_table("payments", schema=migration_schema())
