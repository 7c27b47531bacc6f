"""Catalog tables: categories, products (with a full-text index), stock items, reservations.

Revision ID: 0002_catalog
Revises: 0001_messaging
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shop.common.migrations import migration_schema

revision: str = "0002_catalog"
down_revision: str | Sequence[str] | None = "0001_messaging"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    s = migration_schema()
    now = sa.text("now()")
    op.create_table(
        "categories",
        sa.Column("slug", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
        schema=s,
    )
    op.create_table(
        "products",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("category", sa.String(64), sa.ForeignKey(f"{s}.categories.slug"), nullable=False),
        sa.Column("price", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
        sa.CheckConstraint("price >= 0", name="products_price_not_negative"),
        schema=s,
    )
    op.create_index("products_category_idx", "products", ["category", "price"], schema=s)
    op.execute(
        f"CREATE INDEX products_search_idx ON {s}.products USING gin "
        "(to_tsvector('english', name || ' ' || description))"
    )
    op.create_table(
        "stock_items",
        sa.Column("product_id", sa.Uuid, sa.ForeignKey(f"{s}.products.id"), primary_key=True),
        sa.Column("on_hand", sa.Integer, nullable=False),
        sa.Column("reserved", sa.Integer, nullable=False),
        sa.Column("low_stock_threshold", sa.Integer, nullable=False),
        sa.CheckConstraint(
            "reserved >= 0 AND reserved <= on_hand AND low_stock_threshold >= 0",
            name="stock_items_never_negative",
        ),
        schema=s,
    )
    op.create_table(
        "reservations",
        sa.Column("order_id", sa.Uuid, primary_key=True),
        sa.Column("product_id", sa.Uuid, primary_key=True),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
        sa.CheckConstraint("quantity >= 0", name="reservations_quantity_not_negative"),
        sa.CheckConstraint(
            "status IN ('reserved', 'released', 'committed')", name="reservations_status_known"
        ),
        schema=s,
    )


def downgrade() -> None:
    s = migration_schema()
    for table in ("reservations", "stock_items", "products", "categories"):
        op.drop_table(table, schema=s)
