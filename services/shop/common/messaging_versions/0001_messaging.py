"""The first Alembic revision of every context: its outbox (with the NOTIFY trigger) and inbox.

`shop.common.migrations.alembic_config` lists this folder among every context's version
locations, so each context's history starts with this revision, written once.
"""

from __future__ import annotations

from shop.common.migrations import create_messaging_tables, drop_messaging_tables, migration_schema

revision = "0001_messaging"
down_revision: str | None = None


def upgrade() -> None:
    create_messaging_tables(migration_schema())


def downgrade() -> None:
    drop_messaging_tables(migration_schema())
