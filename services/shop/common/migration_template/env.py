"""Alembic environment of one bounded context (its schema comes from `shop migrate`).

A context passes its tables' `MetaData` (`shop.<context>.adapters.tables.metadata`, which holds
its outbox and inbox too) so that the tables-vs-migrations test and `--autogenerate` see them.
"""

from shop.common.migrations import run_env

run_env(target_metadata=None)
