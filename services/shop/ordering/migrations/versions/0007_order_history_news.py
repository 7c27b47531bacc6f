"""The history notification carries what it announces: per order and inserting statement, the
new entries with the order's status, awaited compensations and customer, as JSON; the order
id alone when that would not fit a notification (the streams then read it).

An order stream then reads the database to open and when it missed something, not on every
change. API processes of the previous release see no order id in the JSON and wake on their
fallback poll until they are replaced.

Revision ID: 0007_order_history_news
Revises: 0006_customer_totals
"""

from collections.abc import Sequence

from alembic import op

from shop.common.migrations import migration_schema

revision: str = "0007_order_history_news"
down_revision: str | Sequence[str] | None = "0006_customer_totals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_PAYLOAD = 7900  # PostgreSQL refuses notification payloads of 8000 bytes and more


def upgrade() -> None:
    s = migration_schema()
    op.execute(f"DROP TRIGGER IF EXISTS order_history_notify ON {s}.order_history")
    op.execute(f"DROP FUNCTION IF EXISTS {s}.order_history_notify()")
    op.execute(
        f"""CREATE FUNCTION {s}.order_history_news() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify(
                '{s}_order_history',
                CASE WHEN octet_length(news) <= {MAX_PAYLOAD} THEN news ELSE order_id::text END)
            FROM (
                SELECT n.order_id, json_build_object(
                    'order_id', n.order_id,
                    'status', o.status,
                    'awaiting', o.awaiting,
                    'customer_id', o.customer_id,
                    'entries', json_agg(json_build_object(
                        'sequence', n.sequence, 'kind', n.kind, 'status', n.status,
                        'detail', n.detail, 'cause_event_id', n.cause_event_id, 'at', n.at
                    ) ORDER BY n.sequence))::text AS news
                FROM new_entries n JOIN {s}.orders o ON o.id = n.order_id
                GROUP BY n.order_id, o.status, o.awaiting, o.customer_id
            ) AS announced;
            RETURN NULL;
        END $$"""
    )
    op.execute(
        f"""CREATE TRIGGER order_history_news AFTER INSERT ON {s}.order_history
            REFERENCING NEW TABLE AS new_entries
            FOR EACH STATEMENT EXECUTE FUNCTION {s}.order_history_news()"""
    )


def downgrade() -> None:
    s = migration_schema()
    op.execute(f"DROP TRIGGER IF EXISTS order_history_news ON {s}.order_history")
    op.execute(f"DROP FUNCTION IF EXISTS {s}.order_history_news()")
    op.execute(
        f"""CREATE FUNCTION {s}.order_history_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('{s}_order_history', NEW.order_id::text); RETURN NULL; END $$"""
    )
    op.execute(
        f"""CREATE TRIGGER order_history_notify AFTER INSERT ON {s}.order_history
            FOR EACH ROW EXECUTE FUNCTION {s}.order_history_notify()"""
    )
