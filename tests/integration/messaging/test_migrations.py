"""Per-context Alembic: own schema, own version table, outbox with its NOTIFY trigger."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from integration.messaging.support import unique
from shop.common.migrations import TEMPLATE_DIR, downgrade, scaffold, upgrade
from shop.common.outbox import notify_channel
from shop.common.relay.options import asyncpg_dsn


async def test_each_context_migrates_its_own_schema_and_version_table(
    database_url: str, tmp_path: Path
) -> None:
    first, second = unique("ctx"), unique("ctx")
    scripts = tmp_path / "migrations"
    scaffold(scripts)
    for schema in (first, second):
        await asyncio.to_thread(upgrade, schema, database_url, script_location=scripts)
    await asyncio.to_thread(upgrade, first, database_url, script_location=scripts)  # idempotent

    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            tables = set(
                (
                    await connection.execute(
                        text(
                            "SELECT table_schema || '.' || table_name"
                            " FROM information_schema.tables"
                            " WHERE table_schema IN (:a, :b)"
                        ),
                        {"a": first, "b": second},
                    )
                ).scalars()
            )
            versions = (
                (await connection.execute(text(f"SELECT version_num FROM {first}.alembic_version")))
                .scalars()
                .all()
            )
        assert tables == {
            f"{s}.{t}" for s in (first, second) for t in ("outbox", "inbox", "alembic_version")
        }
        assert versions == ["0001_messaging"]

        await asyncio.to_thread(downgrade, second, database_url, "base", script_location=scripts)
        async with engine.connect() as connection:
            left = set(
                (
                    await connection.execute(
                        text(
                            "SELECT table_name FROM information_schema.tables"
                            " WHERE table_schema = :s"
                        ),
                        {"s": second},
                    )
                ).scalars()
            )
        assert left == {"alembic_version"}
    finally:
        await engine.dispose()


async def test_an_outbox_insert_notifies_the_relay_channel(database_url: str) -> None:
    schema = unique("ctx")
    await asyncio.to_thread(upgrade, schema, database_url, script_location=TEMPLATE_DIR)
    listener = await asyncpg.connect(asyncpg_dsn(database_url))
    writer = await asyncpg.connect(asyncpg_dsn(database_url))
    notified: asyncio.Queue[str] = asyncio.Queue()
    try:
        await listener.add_listener(
            notify_channel(schema), lambda *args: notified.put_nowait(args[2])
        )
        await writer.execute(
            f"INSERT INTO {schema}.outbox (id, aggregatetype, aggregateid, type, topic, payload)"
            " VALUES (gen_random_uuid(), 'a', '1', 't', 'topic', '{}')"
        )
        assert await asyncio.wait_for(notified.get(), timeout=10) == notify_channel(schema)
    finally:
        await listener.close()
        await writer.close()


def test_scaffold_refuses_to_overwrite_existing_migrations(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "env.py").write_text("")
    with pytest.raises(FileExistsError, match="not empty"):
        scaffold(tmp_path / "migrations")
