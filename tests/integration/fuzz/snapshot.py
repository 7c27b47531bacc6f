"""The rows of one context's tables, set aside once and put back before every stateful scenario.

Hypothesis replays the choices of earlier scenarios and expects the same draws to follow. A
scenario's draws depend on the answers (a link is followed only from the status it belongs to),
so each scenario must meet the same server state: a template deleted by one scenario would
answer another's replayed read with 404 instead of 200 ("inconsistent data generation").
"""

from __future__ import annotations

from localinfra.postgres import PostgresServer

VERSION_TABLE = "alembic_version"


class SchemaSnapshot:
    """A copy of `<schema>`'s tables in `fuzz_snapshot_<schema>`, restorable at will."""

    def __init__(self, postgres: PostgresServer, database: str, schema: str) -> None:
        self._postgres = postgres
        self._database = database
        self._schema = schema
        self._copy = f"fuzz_snapshot_{schema}"
        tables = postgres.psql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            f"'{schema}' AND table_type = 'BASE TABLE' AND table_name <> '{VERSION_TABLE}' "
            "ORDER BY 1",
            database=database,
        ).split()
        self._tables = tables
        copies = "".join(f"CREATE TABLE {self._copy}.{t} AS TABLE {schema}.{t};" for t in tables)
        postgres.psql(
            f"DROP SCHEMA IF EXISTS {self._copy} CASCADE; CREATE SCHEMA {self._copy};{copies}",
            database=database,
        )

    def restore(self) -> None:
        """Every table back to its copy, in one transaction. Triggers (the order history's
        append-only guard, foreign keys) are skipped as in a replica: the rows are put back as
        they were, not changed by the shop."""
        puts = "".join(
            f"DELETE FROM {self._schema}.{t};"
            f"INSERT INTO {self._schema}.{t} SELECT * FROM {self._copy}.{t};"
            for t in self._tables
        )
        self._postgres.psql(
            f"BEGIN; SET LOCAL session_replication_role = replica;{puts} COMMIT;",
            database=self._database,
        )
