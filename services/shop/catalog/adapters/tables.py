"""The catalog's tables in its own schema (SQLAlchemy Core; created by its migrations)."""

from __future__ import annotations

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    Boolean,
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
    text,
)

from shop.common.outbox import messaging_tables

EMBEDDING_DIMENSIONS = 256
"""The width of the semantic search's vectors (the model's; a new width is a new migration)."""

SCHEMA = "catalog"
metadata = MetaData(schema=SCHEMA)
MESSAGING = messaging_tables(SCHEMA, metadata)  # in `metadata`: Alembic compares them too

categories = Table(
    "categories",
    metadata,
    Column("slug", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

products = Table(
    "products",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("category", String(64), ForeignKey("categories.slug"), nullable=False),
    Column("price", Numeric(12, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("products_category_idx", "category", "price"),
    Index(
        "products_search_idx",
        # As PostgreSQL prints it back, so that Alembic finds it equal to the migration's.
        text("to_tsvector('english'::regconfig, (name || ' '::text) || description)"),
        postgresql_using="gin",
    ),
)

stock_items = Table(
    "stock_items",
    metadata,
    Column("product_id", Uuid, ForeignKey("products.id"), primary_key=True),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
    Column("low_stock_threshold", Integer, nullable=False),
)

reservations = Table(
    "reservations",
    metadata,
    Column("order_id", Uuid, primary_key=True),
    Column("product_id", Uuid, primary_key=True),
    Column("quantity", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

product_embeddings = Table(
    "product_embeddings",
    metadata,
    Column("product_id", Uuid, ForeignKey("products.id"), primary_key=True),
    Column("model", Text, nullable=False),
    Column("embedding", Vector(EMBEDDING_DIMENSIONS), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index(
        "product_embeddings_cosine_idx",
        "embedding",
        postgresql_using="hnsw",
        postgresql_ops={"embedding": "vector_cosine_ops"},
    ),
)

bought_together = Table(
    "bought_together",
    metadata,
    Column("product_id", Uuid, primary_key=True),
    Column("other_product_id", Uuid, primary_key=True),
    Column("orders", Integer, nullable=False),
)

bought_together_orders = Table(
    "bought_together_orders",
    metadata,
    Column("order_id", Uuid, primary_key=True),
    Column("projected_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
