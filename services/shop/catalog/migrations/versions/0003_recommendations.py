"""Recommendations: the `vector` extension, the products' vectors, products bought together.

The extension goes to `public`, once per database (every context's schema shares it; a
context's schema may be dropped without taking it along). Creating it needs a superuser unless
it exists (pgvector is not a trusted extension): on a cluster, CloudNativePG's Database creates
it (the operator declares it); on an external database, its administrator does.

Revision ID: 0003_recommendations
Revises: 0002_catalog
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector

from shop.common.migrations import migration_schema

revision: str = "0003_recommendations"
down_revision: str | Sequence[str] | None = "0002_catalog"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIMENSIONS = 256  # the model's (shop.catalog.adapters.tables.EMBEDDING_DIMENSIONS)


def upgrade() -> None:
    s = migration_schema()
    now = sa.text("now()")
    op.execute("CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public")
    op.create_table(
        "product_embeddings",
        sa.Column("product_id", sa.Uuid, sa.ForeignKey(f"{s}.products.id"), primary_key=True),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("embedding", Vector(DIMENSIONS), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
        schema=s,
    )
    op.create_index(
        "product_embeddings_cosine_idx",
        "product_embeddings",
        ["embedding"],
        schema=s,
        postgresql_using="hnsw",
        postgresql_ops={"embedding": "vector_cosine_ops"},
    )
    op.create_table(
        "bought_together",
        sa.Column("product_id", sa.Uuid, primary_key=True),
        sa.Column("other_product_id", sa.Uuid, primary_key=True),
        sa.Column("orders", sa.Integer, nullable=False),
        sa.CheckConstraint("orders > 0", name="bought_together_orders_positive"),
        sa.CheckConstraint("product_id <> other_product_id", name="bought_together_two_products"),
        schema=s,
    )
    op.create_table(
        "bought_together_orders",
        sa.Column("order_id", sa.Uuid, primary_key=True),
        sa.Column("projected_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
        schema=s,
    )


def downgrade() -> None:
    s = migration_schema()
    for table in ("bought_together_orders", "bought_together", "product_embeddings"):
        op.drop_table(table, schema=s)
