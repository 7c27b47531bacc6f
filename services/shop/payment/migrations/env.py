"""Alembic environment of the payment schema (`shop migrate payment` sets the schema)."""

from shop.common.migrations import run_env
from shop.payment.adapters.tables import metadata

run_env(target_metadata=metadata)
