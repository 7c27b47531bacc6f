"""Alembic environment of the notification schema (`shop migrate notification` sets the schema)."""

from shop.common.migrations import run_env
from shop.notification.adapters.tables import metadata

run_env(target_metadata=metadata)
