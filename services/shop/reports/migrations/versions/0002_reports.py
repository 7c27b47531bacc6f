"""Reports tables: each order's status, counts by status, sales per day, product sales.

Revision ID: 0002_reports
Revises: 0001_messaging
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shop.common.migrations import migration_schema

revision: str = "0002_reports"
down_revision: str | Sequence[str] | None = "0001_messaging"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    s = migration_schema()
    op.create_table(
        "order_status",
        sa.Column("order_id", sa.Uuid, primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        schema=s,
    )
    op.create_table(
        "orders_by_status",
        sa.Column("status", sa.String(16), primary_key=True),
        sa.Column("orders", sa.Integer, nullable=False),
        sa.CheckConstraint("orders >= 0", name="orders_by_status_not_negative"),
        schema=s,
    )
    op.create_table(
        "sales_per_day",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("orders", sa.Integer, nullable=False),
        sa.Column("revenue", sa.Numeric(14, 2), nullable=False),
        schema=s,
    )
    op.create_table(
        "product_sales",
        sa.Column("product_id", sa.Uuid, primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("revenue", sa.Numeric(14, 2), nullable=False),
        schema=s,
    )
    op.create_index("product_sales_rank_idx", "product_sales", ["quantity", "revenue"], schema=s)


def downgrade() -> None:
    s = migration_schema()
    for table in ("product_sales", "sales_per_day", "orders_by_status", "order_status"):
        op.drop_table(table, schema=s)
