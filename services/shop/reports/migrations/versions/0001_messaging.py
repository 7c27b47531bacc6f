"""Outbox (with its NOTIFY trigger) and inbox of the context's schema.

Revision ID: 0001_messaging
Revises:
"""

from alembic import context

from shop.common.migrations import create_messaging_tables, drop_messaging_tables

revision = "0001_messaging"
down_revision = None
branch_labels = None
depends_on = None


def _schema() -> str:
    schema = context.config.get_main_option("shop_schema")
    if not schema:
        raise RuntimeError("run through `shop migrate <context>`: the schema is not set")
    return schema


def upgrade() -> None:
    create_messaging_tables(_schema())


def downgrade() -> None:
    drop_messaging_tables(_schema())
