"""Alembic environment of the catalog schema (`shop migrate catalog` sets the schema)."""

from shop.catalog.adapters.tables import metadata
from shop.common.migrations import run_env

run_env(target_metadata=metadata)
