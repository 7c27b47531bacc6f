"""Basket tables: carts and lines, checkouts by idempotency key, the basket's product copy.

Revision ID: 0002_basket
Revises: 0001_messaging
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shop.common.migrations import migration_schema

revision: str = "0002_basket"
down_revision: str | Sequence[str] | None = "0001_messaging"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    s = migration_schema()
    now = sa.text("now()")
    op.create_table(
        "carts",
        sa.Column("customer_id", sa.Text, primary_key=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
        schema=s,
    )
    op.create_table(
        "cart_lines",
        sa.Column(
            "customer_id", sa.Text, sa.ForeignKey(f"{s}.carts.customer_id"), primary_key=True
        ),
        sa.Column("product_id", sa.Uuid, primary_key=True),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.CheckConstraint("quantity BETWEEN 1 AND 99", name="cart_lines_quantity_range"),
        schema=s,
    )
    op.create_table(
        "checkouts",
        sa.Column("customer_id", sa.Text, primary_key=True),
        sa.Column("idempotency_key", sa.String(128), primary_key=True),
        sa.Column("order_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("checked_out_at", sa.DateTime(timezone=True), nullable=False),
        schema=s,
    )
    op.create_table(
        "products",
        sa.Column("product_id", sa.Uuid, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("price", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        schema=s,
    )


def downgrade() -> None:
    s = migration_schema()
    for table in ("products", "checkouts", "cart_lines", "carts"):
        op.drop_table(table, schema=s)
