"""Ordering's data migrations on real PostgreSQL: migration 0008 fills each existing order's
`last_history_sequence` from its history (ADR 0067)."""

from __future__ import annotations

import asyncio
from uuid import UUID, uuid4

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from localinfra.postgres import PostgresServer
from shop.common.migrations import downgrade, upgrade

ORDER = """INSERT INTO ordering.orders (id, customer_id, lines, total, currency, status,
           awaiting, placed_at, updated_at)
           VALUES (:id, 'ann', '[]', 9.50, 'EUR', 'CONFIRMED', '{}', now(), now())"""
ENTRY = """INSERT INTO ordering.order_history (order_id, sequence, kind, status,
           cause_event_id, at) VALUES (:id, :sequence, 'step', 'PENDING', :cause, now())"""


async def test_0008_counts_the_history_each_order_already_has(postgres: PostgresServer) -> None:
    name = f"ordering_{uuid4().hex[:10]}"
    await asyncio.to_thread(postgres.create_database, name)
    url = postgres.dsn(name, driver="postgresql+asyncpg")
    await asyncio.to_thread(upgrade, "ordering", url, "0007_order_history_news")
    with_history, without = uuid4(), uuid4()
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            for order in (with_history, without):
                await connection.execute(text(ORDER), {"id": order})
            for sequence in (1, 2, 3):
                await connection.execute(
                    text(ENTRY), {"id": with_history, "sequence": sequence, "cause": uuid4()}
                )

        await asyncio.to_thread(upgrade, "ordering", url)
        async with engine.connect() as connection:
            counted: dict[UUID, int] = dict(
                (
                    await connection.execute(
                        text("SELECT id, last_history_sequence FROM ordering.orders")
                    )
                ).all()
            )
            default = await connection.scalar(
                text(
                    "SELECT column_default FROM information_schema.columns WHERE table_schema"
                    " = 'ordering' AND table_name = 'orders'"
                    " AND column_name = 'last_history_sequence'"
                )
            )
        assert counted == {with_history: 3, without: 0}
        assert default is None  # every write sets it: no default hides a write that does not

        await asyncio.to_thread(downgrade, "ordering", url, "0007_order_history_news")
        async with engine.connect() as connection:
            columns = (
                (
                    await connection.execute(
                        text(
                            "SELECT column_name FROM information_schema.columns WHERE table_schema"
                            " = 'ordering' AND table_name = 'orders'"
                        )
                    )
                )
                .scalars()
                .all()
            )
        assert "last_history_sequence" not in columns
    finally:
        await engine.dispose()
