"""An event committed with its state reaches a consumer exactly once in effect (built-in relay)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaProducer

from integration.messaging.conftest import Schema
from integration.messaging.support import (
    Account,
    consumer_for,
    credit,
    read_topic,
    relay_for,
    running,
    unique,
)
from shop.common.headers import EVENT_ID_HEADER, EVENT_TYPE_HEADER, ID_HEADER
from support.polling import wait_until_async


async def test_committed_events_are_applied_once_even_when_redelivered(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    producer_side, consumer_side = await new_schema(), await new_schema()
    accounts = [Account(f"acc-{i}") for i in range(3)]
    for account in accounts:
        await credit(producer_side.uow(), account, 5, times=4)
    assert await producer_side.scalar("SELECT count(*) FROM {s}.outbox") == 12
    assert await producer_side.scalar("SELECT count(*) FROM {s}.ledger") == 12

    relay = relay_for(producer_side.name, producer_side.dsn, bootstrap)
    consumer = consumer_for(unique("g"), producer_side.topic, consumer_side.uow, bootstrap)
    async with running(relay.run), running(consumer.run):
        await wait_until_async(
            lambda: _applied(consumer_side, 12), within=60, what="12 applied events"
        )
        await wait_until_async(
            lambda: _is(producer_side, "SELECT count(*) FROM {s}.outbox", 0),
            within=10,
            what="relayed rows deleted",
        )
        # Redeliver every message once more, as a relay crash between publish and delete would.
        records = await read_topic(bootstrap, producer_side.topic, 12, within=10)
        await _republish(bootstrap, records)
        await wait_until_async(
            lambda: _is(consumer_side, "SELECT count(*) FROM {s}.inbox", 12),
            within=10,
            what="inbox rows",
        )
        await wait_until_async(
            lambda: _lag_is_zero(consumer), within=30, what="duplicates consumed"
        )

    assert await consumer_side.scalar("SELECT count(*) FROM {s}.applied") == 12
    assert await consumer_side.scalar("SELECT count(DISTINCT event_id) FROM {s}.applied") == 12
    applied = await consumer_side.rows("SELECT account_id, seq FROM {s}.applied ORDER BY n")
    for account in accounts:
        assert [seq for acc, seq in applied if acc == account.id] == [1, 2, 3, 4]

    record = records[0]
    headers = dict(record.headers)
    envelope = json.loads(record.value)
    assert set(headers) >= {ID_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER}
    assert headers[EVENT_ID_HEADER].decode() == headers[ID_HEADER].decode() == envelope["id"]
    assert headers[EVENT_TYPE_HEADER] == b"account.credited"
    assert record.key.decode() == envelope["aggregateId"]
    assert envelope["aggregateType"] == "account"


async def _applied(schema: Schema, count: int) -> bool:
    return bool(await schema.scalar("SELECT count(*) FROM {s}.applied") == count)


async def _is(schema: Schema, sql: str, expected: object) -> bool:
    return bool(await schema.scalar(sql) == expected)


async def _lag_is_zero(consumer: object) -> bool:
    metrics = consumer._metrics  # type: ignore[attr-defined]
    samples = [s for m in metrics.lag.collect() for s in m.samples]
    outcomes = {
        s.labels["outcome"]: s.value
        for m in metrics.messages.collect()
        for s in m.samples
        if s.name.endswith("_total")
    }
    return bool(samples) and all(s.value == 0 for s in samples) and outcomes.get("duplicate") == 12


async def _republish(bootstrap: str, records: list) -> None:  # type: ignore[type-arg]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for record in records:
            await producer.send_and_wait(
                record.topic, record.value, key=record.key, headers=list(record.headers)
            )
    finally:
        await producer.stop()
