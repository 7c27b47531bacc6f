"""A cart's lines live in its row (`carts.lines`, product id -> quantity as JSON): the upsert
that locks the cart returns them, current once the lock is held, so a cart change reads its
cart in the statement that locks it and writes it back in one.

The lines of `cart_lines` move into the rows; basket APIs of the previous release fail their
cart requests until they are replaced.

Revision ID: 0003_cart_lines_in_row
Revises: 0002_basket
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from shop.common.migrations import migration_schema

revision: str = "0003_cart_lines_in_row"
down_revision: str | Sequence[str] | None = "0002_basket"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    s = migration_schema()
    op.add_column(
        "carts",
        sa.Column("lines", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        schema=s,
    )
    op.execute(
        f"""UPDATE {s}.carts c SET lines = l.lines
        FROM (SELECT customer_id, jsonb_object_agg(product_id::text, quantity) AS lines
              FROM {s}.cart_lines GROUP BY customer_id) l
        WHERE l.customer_id = c.customer_id"""
    )
    op.drop_table("cart_lines", schema=s)


def downgrade() -> None:
    s = migration_schema()
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
    op.execute(
        f"""INSERT INTO {s}.cart_lines (customer_id, product_id, quantity)
        SELECT c.customer_id, line.key::uuid, line.value::int
        FROM {s}.carts c, jsonb_each_text(c.lines) line"""
    )
    op.drop_column("carts", "lines", schema=s)
