"""Each context's tables (adapters/tables.py, outbox and inbox included) match its migrations."""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, create_engine

from localinfra.postgres import PostgresServer
from shop.common.migrations import VERSION_TABLE, sync_url, upgrade
from shop.topology import CONTEXTS


def _differences(database_url: str, schema: str, metadata: MetaData) -> list[Any]:
    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        if type_ == "schema":
            return name == schema
        return not (type_ == "table" and name == VERSION_TABLE)

    engine = create_engine(sync_url(database_url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"include_schemas": True, "include_name": include_name, "compare_type": True},
            )
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


@pytest.mark.parametrize("context", CONTEXTS)
async def test_a_migrated_schema_has_exactly_the_contexts_tables(
    postgres: PostgresServer, context: str
) -> None:
    database_url = postgres.dsn(f"tables_{context}", driver="postgresql+asyncpg")
    postgres.create_database(f"tables_{context}")
    await asyncio.to_thread(upgrade, context, database_url)
    tables = importlib.import_module(f"shop.{context}.adapters.tables")

    differences = await asyncio.to_thread(_differences, database_url, context, tables.metadata)

    assert differences == []
    assert {"outbox", "inbox"} <= {table.name for table in tables.metadata.sorted_tables}
