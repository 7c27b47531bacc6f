"""The first Alembic revision of every context: its outbox (with the NOTIFY trigger) and inbox.

Each context's `migrations/versions/0001_messaging.py` re-exports this module, so every context's
history starts with the same revision, written once.
"""

from __future__ import annotations

from shop.common.migrations import create_messaging_tables, drop_messaging_tables, migration_schema

revision = "0001_messaging"
down_revision: str | None = None


def upgrade() -> None:
    create_messaging_tables(migration_schema())


def downgrade() -> None:
    drop_messaging_tables(migration_schema())
