"""The order history is append-only: PostgreSQL refuses every UPDATE, DELETE and TRUNCATE of it.

A trigger, not only privileges: it binds the table's owner too (the role the services run as),
and a superuser would have to drop it on purpose.

Revision ID: 0004_order_history_append_only
Revises: 0003_order_history_notify
"""

from collections.abc import Sequence

from alembic import op

from shop.common.migrations import migration_schema

revision: str = "0004_order_history_append_only"
down_revision: str | Sequence[str] | None = "0003_order_history_notify"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    s = migration_schema()
    # SQLSTATE 55000 (object_not_in_prerequisite_state): the row exists and must stay as it is.
    op.execute(
        f"""CREATE FUNCTION {s}.order_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION 'the order history is append-only: % refused', TG_OP
                USING ERRCODE = 'object_not_in_prerequisite_state';
            END $$"""
    )
    op.execute(
        f"""CREATE TRIGGER order_history_append_only BEFORE UPDATE OR DELETE ON {s}.order_history
            FOR EACH ROW EXECUTE FUNCTION {s}.order_history_append_only()"""
    )
    op.execute(
        f"""CREATE TRIGGER order_history_no_truncate BEFORE TRUNCATE ON {s}.order_history
            FOR EACH STATEMENT EXECUTE FUNCTION {s}.order_history_append_only()"""
    )


def downgrade() -> None:
    s = migration_schema()
    op.execute(f"DROP TRIGGER IF EXISTS order_history_no_truncate ON {s}.order_history")
    op.execute(f"DROP TRIGGER IF EXISTS order_history_append_only ON {s}.order_history")
    op.execute(f"DROP FUNCTION IF EXISTS {s}.order_history_append_only()")
