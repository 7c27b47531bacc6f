"""Alembic environment of one bounded context (its schema comes from `shop migrate`).

Pass the context's SQLAlchemy `MetaData` to `run_env` to enable `alembic revision --autogenerate`.
"""

from shop.common.migrations import run_env

run_env(target_metadata=None)
