"""Alembic environment of the basket schema (`shop migrate basket` sets the schema)."""

from shop.basket.adapters.tables import metadata
from shop.common.migrations import run_env

run_env(target_metadata=metadata)
