"""Every new history entry notifies `<schema>_order_history` with its order id (the SSE streams).

Revision ID: 0003_order_history_notify
Revises: 0002_ordering
"""

from collections.abc import Sequence

from alembic import op

from shop.common.migrations import migration_schema

revision: str = "0003_order_history_notify"
down_revision: str | Sequence[str] | None = "0002_ordering"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    s = migration_schema()
    # NOTIFY folds equal payloads of one transaction: one wake-up per order and commit.
    op.execute(
        f"""CREATE FUNCTION {s}.order_history_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('{s}_order_history', NEW.order_id::text); RETURN NULL; END $$"""
    )
    op.execute(
        f"""CREATE TRIGGER order_history_notify AFTER INSERT ON {s}.order_history
            FOR EACH ROW EXECUTE FUNCTION {s}.order_history_notify()"""
    )


def downgrade() -> None:
    s = migration_schema()
    op.execute(f"DROP TRIGGER IF EXISTS order_history_notify ON {s}.order_history")
    op.execute(f"DROP FUNCTION IF EXISTS {s}.order_history_notify()")
