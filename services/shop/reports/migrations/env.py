"""Alembic environment of the reports schema (`shop migrate reports` sets the schema)."""

from shop.common.migrations import run_env
from shop.reports.adapters.tables import metadata

run_env(target_metadata=metadata)
