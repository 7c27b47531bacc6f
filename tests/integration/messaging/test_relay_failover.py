"""Relay crashes and takeovers: nothing lost, duplicates absorbed, per-aggregate order kept."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from integration.messaging.conftest import Schema
from integration.messaging.relay_process import RelayProcess
from integration.messaging.support import Account, consumer_for, credit, running, unique
from support.polling import wait_until_async


async def _count(schema: Schema, sql: str) -> int:
    return int(await schema.scalar(sql))


async def _credit_all(schema: Schema, accounts: list[Account], rounds: int) -> None:
    for _ in range(rounds):
        for account in accounts:
            await credit(schema.uow(), account, 1)


async def test_relay_killed_between_publish_and_delete_loses_nothing(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str, tmp_path: Path
) -> None:
    producer_side, consumer_side = await new_schema(), await new_schema()
    accounts = [Account(f"acc-{i}") for i in range(6)]
    await _credit_all(producer_side, accounts, rounds=10)  # 60 events, interleaved
    paused = RelayProcess(
        "relay-paused",
        schema=producer_side.name,
        database_url=producer_side.url,
        bootstrap=bootstrap,
        workdir=tmp_path,
        extra_env={
            "SHOP_RELAY_BATCH_SIZE": "25",
            "SHOP_RELAY_FAULT_PAUSE_AFTER_PUBLISH_SECONDS": "300",
        },
    )
    consumer = consumer_for(unique("g"), producer_side.topic, consumer_side.uow, bootstrap)
    async with running(consumer.run):
        await asyncio.to_thread(paused.start)
        try:
            # The first batch is on Kafka and applied, but its rows are still in the outbox.
            await wait_until_async(
                lambda: _is_at_least(consumer_side, "applied", 25),
                within=60,
                what="first batch applied",
            )
            assert await _count(producer_side, "SELECT count(*) FROM {s}.outbox") == 60
            assert "pausing" in paused.log()
        finally:
            await asyncio.to_thread(paused.kill)

        restarted = RelayProcess(
            "relay-restarted",
            schema=producer_side.name,
            database_url=producer_side.url,
            bootstrap=bootstrap,
            workdir=tmp_path,
        )
        await asyncio.to_thread(restarted.start)
        try:
            await wait_until_async(
                lambda: _outbox_empty(producer_side), within=60, what="outbox drained"
            )
            await wait_until_async(
                lambda: _inbox_duplicates_seen(consumer, 25),
                within=60,
                what="the republished batch consumed",
            )
        finally:
            await asyncio.to_thread(restarted.stop)

    assert await _count(consumer_side, "SELECT count(*) FROM {s}.applied") == 60
    assert await _count(consumer_side, "SELECT count(DISTINCT event_id) FROM {s}.applied") == 60
    applied = await consumer_side.rows("SELECT account_id, seq FROM {s}.applied ORDER BY n")
    for account in accounts:
        assert [seq for acc, seq in applied if acc == account.id] == list(range(1, 11))


async def test_standby_relay_takes_over_within_seconds(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str, tmp_path: Path
) -> None:
    producer_side, consumer_side = await new_schema(), await new_schema()
    first, second = (
        RelayProcess(
            name,
            schema=producer_side.name,
            database_url=producer_side.url,
            bootstrap=bootstrap,
            workdir=tmp_path,
        )
        for name in ("relay-a", "relay-b")
    )
    consumer = consumer_for(unique("g"), producer_side.topic, consumer_side.uow, bootstrap)
    accounts = [Account("acc-1"), Account("acc-2")]
    try:
        await asyncio.to_thread(first.start)
        await wait_until_async(lambda: _holds(first), within=30, what="relay-a active")
        await asyncio.to_thread(second.start)
        await wait_until_async(
            lambda: _says(second, "standing by"), within=30, what="relay-b standby"
        )
        assert second.active() is False

        async with running(consumer.run):
            await _credit_all(producer_side, accounts, rounds=5)
            await wait_until_async(
                lambda: _is_at_least(consumer_side, "applied", 10),
                within=60,
                what="events published by relay-a",
            )
            assert second.active() is False

            await asyncio.to_thread(first.kill)
            killed_at = time.monotonic()
            await wait_until_async(
                lambda: _holds(second), within=15, what="relay-b takes over", interval=0.05
            )
            takeover_seconds = time.monotonic() - killed_at
            await _credit_all(producer_side, accounts, rounds=5)
            await wait_until_async(
                lambda: _is_at_least(consumer_side, "applied", 20),
                within=60,
                what="events published by relay-b",
            )
    finally:
        await asyncio.to_thread(first.stop)
        await asyncio.to_thread(second.stop)

    assert takeover_seconds < 5, f"takeover took {takeover_seconds:.1f}s"
    assert await _count(consumer_side, "SELECT count(DISTINCT event_id) FROM {s}.applied") == 20
    assert await _count(producer_side, "SELECT count(*) FROM {s}.outbox") == 0


async def _is_at_least(schema: Schema, table: str, count: int) -> bool:
    return await _count(schema, f"SELECT count(*) FROM {{s}}.{table}") >= count


async def _outbox_empty(schema: Schema) -> bool:
    return await _count(schema, "SELECT count(*) FROM {s}.outbox") == 0


async def _inbox_duplicates_seen(consumer: object, count: int) -> bool:
    metrics = consumer._metrics  # type: ignore[attr-defined]
    return any(
        s.labels["outcome"] == "duplicate" and s.value >= count
        for m in metrics.messages.collect()
        for s in m.samples
        if s.name.endswith("_total")
    )


async def _holds(relay: RelayProcess) -> bool:
    return await asyncio.to_thread(relay.active) is True


async def _says(relay: RelayProcess, text: str) -> bool:
    return text in relay.log()
