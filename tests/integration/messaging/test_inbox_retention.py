"""Inbox retention: expired handled ids are purged by the worker's timer and by the CLI; recent
ones, which a redelivery could still need, stay."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from integration.messaging.conftest import Schema
from integration.messaging.support import Account, credit, relay_for, running, unique
from shop.cli import main
from shop.common.consumer import ConsumerMetrics, EventConsumer
from shop.common.consumer.inbox_purge import purge_inbox, purge_inbox_periodically
from shop.common.messaging_settings import InboxSettings
from shop.common.outbox import messaging_tables
from shop.common.uow import UnitOfWork
from support.polling import wait_until_async

HOUR = timedelta(hours=1)


async def _handled(schema: Schema, group: str, count: int, hours_ago: float) -> None:
    """Inbox rows of `group` as if handled `hours_ago` hours ago."""
    values = ", ".join(
        f"('{group}', '{uuid.uuid4()}', 'account.credited', 't', 0, {n},"
        f" now() - interval '{hours_ago} hours')"
        for n in range(count)
    )
    await schema.execute(
        'INSERT INTO {s}.inbox (consumer_group, event_id, event_type, topic, partition, "offset",'
        f" handled_at) VALUES {values}"
    )


async def _rows_of(schema: Schema, group: str) -> int:
    sql = f"SELECT count(*) FROM {{s}}.inbox WHERE consumer_group = '{group}'"
    return int(await schema.scalar(sql))


async def test_purge_deletes_only_expired_rows_in_batches_and_per_group(
    new_schema: Callable[[], Awaitable[Schema]],
) -> None:
    schema = await new_schema()
    await _handled(schema, "g1", 7, hours_ago=3)
    await _handled(schema, "g1", 2, hours_ago=0.5)
    await _handled(schema, "g2", 3, hours_ago=3)

    only_g1 = await purge_inbox(schema.uow, HOUR, batch_size=2, consumer_group="g1")
    assert only_g1 == 7
    assert (await _rows_of(schema, "g1"), await _rows_of(schema, "g2")) == (2, 3)

    every_group = await purge_inbox(schema.uow, HOUR, batch_size=2)
    assert every_group == 3
    assert (await _rows_of(schema, "g1"), await _rows_of(schema, "g2")) == (2, 0)


async def test_a_running_consumer_purges_its_group_now_and_every_interval(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    producer_side, consumer_side = await new_schema(), await new_schema()
    group, other_group = unique("g"), unique("g")
    await _handled(consumer_side, group, 5, hours_ago=2)
    await _handled(consumer_side, other_group, 4, hours_ago=2)
    registry = CollectorRegistry()
    consumer = EventConsumer(
        group=group,
        topics=[producer_side.topic],
        handlers={"account.credited": _noop},
        uow_factory=consumer_side.uow,
        bootstrap_servers=bootstrap,
        metrics=ConsumerMetrics(registry),
        inbox=InboxSettings.for_schema(
            consumer_side.name,
            inbox_retention=HOUR,
            inbox_purge_interval=timedelta(milliseconds=300),
        ),
    )
    await credit(producer_side.uow(), Account("acc-1"), 1, times=2)

    async with (
        running(relay_for(producer_side.name, producer_side.dsn, bootstrap).run),
        running(consumer.run),
    ):
        await wait_until_async(
            lambda: _count(consumer_side, group, 2),
            within=60,
            what="the old rows purged and the 2 handled events recorded",
        )
        await _handled(consumer_side, group, 3, hours_ago=25)  # expired while running
        await wait_until_async(
            lambda: _count(consumer_side, group, 2),
            within=10,
            what="rows expired later purged at the next interval",
        )

    assert await _rows_of(consumer_side, other_group) == 4  # another group's rows are its own
    labels = {"group": group}
    assert registry.get_sample_value("shop_consumer_inbox_purged_rows_total", labels) == 8
    assert registry.get_sample_value("shop_consumer_inbox_last_purge_timestamp_seconds", labels)


async def test_a_failing_purge_is_counted_and_retried_without_stopping(
    database_url: str,
) -> None:
    unreachable = create_async_engine(make_url(database_url).set(port=1))  # nothing listens
    sessions = async_sessionmaker(unreachable)
    schema = unique("m")
    registry, stop = CollectorRegistry(), asyncio.Event()
    metrics = ConsumerMetrics(registry)
    settings = InboxSettings.for_schema(schema, inbox_purge_interval=timedelta(milliseconds=100))

    async def failed_twice() -> bool:
        failures = registry.get_sample_value(
            "shop_consumer_inbox_purge_failures_total", {"group": "g"}
        )
        return (failures or 0) >= 2

    purger = asyncio.create_task(
        purge_inbox_periodically(
            lambda: UnitOfWork(sessions, messaging_tables(schema), source=schema),
            consumer_group="g",
            settings=settings,
            metrics=metrics,
            stop=stop,
        )
    )
    try:
        await wait_until_async(failed_twice, within=30, what="two failed purge attempts")
        assert not purger.done()
    finally:
        stop.set()
        await asyncio.wait_for(purger, timeout=10)
        await unreachable.dispose()


async def test_shop_purge_inbox_purges_a_schema_on_demand(
    new_schema: Callable[[], Awaitable[Schema]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    schema = await new_schema()
    await _handled(schema, "g1", 4, hours_ago=50)
    await _handled(schema, "g2", 2, hours_ago=50)
    await _handled(schema, "g1", 3, hours_ago=10)

    argv = ["purge-inbox", schema.name, "--older-than", "2d", "--database-url", schema.url]
    assert await asyncio.to_thread(main, argv) == 0

    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report == {
        "schema": schema.name,
        "group": None,
        "purged": 6,
        "older_than_seconds": 172800.0,
    }
    assert (await _rows_of(schema, "g1"), await _rows_of(schema, "g2")) == (3, 0)


async def _noop(*_: object) -> None:
    return None


async def _count(schema: Schema, group: str, expected: int) -> bool:
    return await _rows_of(schema, group) == expected
