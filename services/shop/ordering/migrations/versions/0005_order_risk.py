"""Orders keep their fraud score as placed: score, threshold and the reasons (ADR 0051).

Null for orders placed before scoring existed: the saga does not screen them.

Revision ID: 0005_order_risk
Revises: 0004_order_history_append_only
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from shop.common.migrations import migration_schema

revision: str = "0005_order_risk"
down_revision: str | Sequence[str] | None = "0004_order_history_append_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("risk", JSONB), schema=migration_schema())


def downgrade() -> None:
    op.drop_column("orders", "risk", schema=migration_schema())
