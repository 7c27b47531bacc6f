"""The relay's reads and deletes on a real outbox: relay order, and a delete folded into a read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg  # type: ignore[import-untyped]

from integration.messaging.conftest import Schema
from integration.messaging.support import Account, credit
from shop.common.relay.store import OutboxStore


async def test_a_read_deletes_the_relayed_rows_and_returns_those_after_them(
    new_schema: Callable[[], Awaitable[Schema]],
) -> None:
    schema = await new_schema()
    await credit(schema.uow(), Account("acc-1"), 5, times=5)
    connection = await asyncpg.connect(schema.dsn)
    try:
        store = OutboxStore(connection, schema.name)
        first = await store.next_batch(3)
        relayed = [row.id for row in first]
        rest = await store.next_batch(10, relayed=relayed)
        remaining = await connection.fetchval(f"SELECT count(*) FROM {schema.name}.outbox")
    finally:
        await connection.close()
    assert len(first) == 3
    assert len(rest) == 2  # the relayed three are gone, in the same statement
    assert len({row.id for row in first + rest}) == 5
    order = [(row.created_at, row.id) for row in first + rest]
    assert order == sorted(order)  # relay order across the two reads
    assert remaining == 2
