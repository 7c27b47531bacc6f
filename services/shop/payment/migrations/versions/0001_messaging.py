"""Outbox (with its NOTIFY trigger) and inbox of the context's schema.

Revision ID: 0001_messaging
Revises:
"""

from shop.common.migrations import downgrade_messaging, upgrade_messaging

revision = "0001_messaging"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    upgrade_messaging()


def downgrade() -> None:
    downgrade_messaging()
