"""Alembic environment of the ordering schema (`shop migrate ordering` sets the schema)."""

from shop.common.migrations import run_env
from shop.ordering.adapters.tables import metadata

run_env(target_metadata=metadata)
