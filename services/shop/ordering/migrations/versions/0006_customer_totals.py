"""Each customer's confirmed orders and their sum per currency, kept as orders confirm (ADR 0054).

Fraud screening reads them instead of summing the customer's whole order history per checkout.
Filled from the orders confirmed so far.

Revision ID: 0006_customer_totals
Revises: 0005_order_risk
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shop.common.migrations import migration_schema

revision: str = "0006_customer_totals"
down_revision: str | Sequence[str] | None = "0005_order_risk"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    s = migration_schema()
    op.create_table(
        "customer_totals",
        sa.Column("customer_id", sa.Text, primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("confirmed_orders", sa.Integer, nullable=False),
        sa.Column("confirmed_total", sa.Numeric(18, 2), nullable=False),
        schema=s,
    )
    op.execute(
        f"""INSERT INTO {s}.customer_totals
            SELECT customer_id, currency, count(*), sum(total) FROM {s}.orders
            WHERE status = 'CONFIRMED' GROUP BY customer_id, currency"""
    )


def downgrade() -> None:
    op.drop_table("customer_totals", schema=migration_schema())
