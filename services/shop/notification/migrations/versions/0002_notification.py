"""Notification tables: templates (seeded with the shop's defaults) and the delivery log.

Revision ID: 0002_notification
Revises: 0001_messaging
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shop.common.migrations import migration_schema

revision: str = "0002_notification"
down_revision: str | Sequence[str] | None = "0001_messaging"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_TEMPLATES = [
    {
        "name": "order-confirmed",
        "event_type": "order.confirmed",
        "subject": "Your order {{ order_id }} is confirmed",
        "body": "Hello {{ customer_id }},\n\nthank you for your order of {{ items | your items }}."
        "\nWe charged {{ total }} {{ currency }}.\n",
    },
    {
        "name": "order-cancelled",
        "event_type": "order.cancelled",
        "subject": "Your order {{ order_id }} was cancelled",
        "body": "Hello {{ customer_id }},\n\nwe had to cancel your order of "
        "{{ items | your items }} ({{ reason }}).\nAnything charged for it is refunded.\n",
    },
    {
        "name": "payment-failed",
        "event_type": "payment.failed",
        "subject": "We could not charge your order {{ order_id }}",
        "body": "Hello {{ customer_id }},\n\nthe payment of {{ amount }} {{ currency }} "
        "failed ({{ reason }}), so the order is not going ahead.\n",
    },
]


def upgrade() -> None:
    s = migration_schema()
    now = sa.text("now()")
    templates = op.create_table(
        "templates",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
        schema=s,
    )
    op.create_index("templates_event_type_idx", "templates", ["event_type"], schema=s)
    op.bulk_insert(templates, DEFAULT_TEMPLATES)
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("cause_event_id", sa.Uuid, nullable=False),
        sa.Column("template", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.Text),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("cause_event_id", "template", name="deliveries_once_per_event"),
        sa.CheckConstraint("status IN ('sent', 'failed')", name="deliveries_status_known"),
        schema=s,
    )
    op.create_index("deliveries_created_idx", "deliveries", ["created_at"], schema=s)


def downgrade() -> None:
    s = migration_schema()
    op.drop_table("deliveries", schema=s)
    op.drop_table("templates", schema=s)
