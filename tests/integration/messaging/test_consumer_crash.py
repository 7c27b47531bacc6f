"""Consumers killed mid-batch, stopped gracefully or rebalanced: every effect applied once."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from integration.messaging.conftest import Schema
from integration.messaging.support import Account, credit, relay_for, running, unique
from localinfra.paths import REPO_ROOT
from localinfra.process import ManagedProcess
from shop.devstack.ports import free_port
from support.polling import wait_until_async


def _consumer_process(
    name: str,
    workdir: Path,
    schema: Schema,
    topic: str,
    group: str,
    bootstrap: str,
    extra_env: dict[str, str] | None = None,
) -> ManagedProcess:
    env = {
        "SHOP_DATABASE_URL": schema.url,
        "SHOP_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "SHOP_HTTP_HOST": "127.0.0.1",
        "SHOP_HTTP_PORT": str(free_port()),
        "SHOP_LOG_JSON": "false",
        "OTEL_SDK_DISABLED": "true",
        "TEST_SCHEMA": schema.name,
        "TEST_TOPIC": topic,
        "TEST_GROUP": group,
        "TEST_HANDLER_DELAY_SECONDS": "0.03",
        "PYTHONPATH": os.pathsep.join(str(REPO_ROOT / p) for p in ("tests", "hack")),
        **(extra_env or {}),
    }
    return ManagedProcess(
        name,
        [sys.executable, "-m", "integration.messaging.consumer_app"],
        workdir / f"{name}.log",
        env=env,
        cwd=REPO_ROOT,
    )


async def _published(producer_side: Schema, bootstrap: str, topic: str, events: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])
    finally:
        await admin.close()
    accounts = [Account(f"acc-{i}") for i in range(4)]
    for account in accounts:
        await credit(producer_side.uow(), account, 1, times=events // len(accounts))
    async with running(relay_for(producer_side.name, producer_side.dsn, bootstrap).run):
        await wait_until_async(
            lambda: _count_is(producer_side, "outbox", 0), within=60, what="all events published"
        )


EVENTS = 200


@dataclass(frozen=True)
class _Sides:
    """A producing schema whose `EVENTS` events are on its topic, and a consuming one whose
    consumers (of one group) apply them."""

    producer: Schema
    consumer: Schema
    group: str
    bootstrap: str
    workdir: Path

    def consumer_process(
        self, name: str, extra_env: dict[str, str] | None = None
    ) -> ManagedProcess:
        return _consumer_process(
            name,
            self.workdir,
            self.consumer,
            self.producer.topic,
            self.group,
            self.bootstrap,
            extra_env,
        )


async def _events_published(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str, workdir: Path
) -> _Sides:
    sides = _Sides(await new_schema(), await new_schema(), unique("g"), bootstrap, workdir)
    await _published(sides.producer, bootstrap, sides.producer.topic, events=EVENTS)
    return sides


async def _a_new_consumer_applies_every_event_once(sides: _Sides, name: str) -> None:
    """A consumer started now, in the same group, brings the effects to all events, each
    applied once and in order per account."""
    process = sides.consumer_process(name).start()
    await wait_until_async(
        lambda: _count_is(sides.consumer, "applied", EVENTS),
        within=120,
        what="every event applied",
    )
    process.stop()
    await _assert_applied_once_in_order(sides.consumer, EVENTS)


async def test_consumer_killed_mid_batch_applies_every_event_once(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str, tmp_path: Path
) -> None:
    sides = await _events_published(new_schema, bootstrap, tmp_path)
    consumer_side = sides.consumer

    first = sides.consumer_process("consumer-1").start()
    await wait_until_async(
        lambda: _count_at_least(consumer_side, "applied", 30),
        within=60,
        what="the first consumer applying",
    )
    os.kill(first.pid or 0, signal.SIGKILL)  # mid-batch: 50 records per poll, 30 ms each
    first.stop()
    applied_at_kill = await consumer_side.scalar("SELECT count(*) FROM {s}.applied")
    assert 0 < applied_at_kill < EVENTS

    await _a_new_consumer_applies_every_event_once(sides, "consumer-2")


async def test_kill_mid_batch_transaction_loses_the_batch_whole_then_applies_it_once(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str, tmp_path: Path
) -> None:
    sides = await _events_published(new_schema, bootstrap, tmp_path)
    consumer_side = sides.consumer
    mark = tmp_path / "marked-event"
    marking = {"TEST_MARK_FILE": str(mark), "TEST_MARK_AFTER_CALLS": "75"}

    first = sides.consumer_process("consumer-m", marking).start()

    async def marked() -> bool:
        return mark.exists() and bool(mark.read_text())

    await wait_until_async(marked, within=60, what="the 75th handler call, mid-batch")
    os.kill(first.pid or 0, signal.SIGKILL)  # its transaction holds up to 50 applied messages
    first.stop()
    marked_id = mark.read_text()
    applied = await consumer_side.scalar("SELECT count(*) FROM {s}.applied")
    inbox = await consumer_side.scalar("SELECT count(*) FROM {s}.inbox")
    assert 0 < applied < 75  # the marked message's batch was lost, earlier batches were kept
    assert inbox == applied  # inbox rows and effects commit together, batch by batch
    assert not await consumer_side.scalar(
        f"SELECT count(*) FROM {{s}}.applied WHERE event_id = '{marked_id}'"
    )
    batches = await consumer_side.scalar("SELECT count(DISTINCT xmin::text) FROM {s}.applied")
    assert batches < applied  # several messages per transaction

    await _a_new_consumer_applies_every_event_once(sides, "consumer-n")


async def test_graceful_stop_and_rebalance_commit_exactly_what_was_applied(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str, tmp_path: Path
) -> None:
    sides = await _events_published(new_schema, bootstrap, tmp_path)
    consumer_side = sides.consumer

    first = sides.consumer_process("consumer-a").start()
    await wait_until_async(
        lambda: _count_at_least(consumer_side, "applied", 20),
        within=60,
        what="the first consumer applying",
    )
    second = sides.consumer_process("consumer-b").start()  # joins: the group rebalances
    await wait_until_async(
        lambda: _count_at_least(consumer_side, "applied", 100),
        within=60,
        what="both consumers applying",
    )
    first.stop(timeout=30)  # SIGTERM: finish the message in hand, commit, leave the group
    assert _exit_code(first) == 0, first.log_tail()
    await wait_until_async(
        lambda: _count_is(consumer_side, "applied", EVENTS),
        within=120,
        what="every event applied",
    )
    second.stop(timeout=30)
    assert _exit_code(second) == 0, second.log_tail()

    await _assert_applied_once_in_order(consumer_side, EVENTS)
    committed = await _committed_total(bootstrap, sides.group, sides.producer.topic)
    assert committed == EVENTS  # every applied message committed, nothing beyond


async def _assert_applied_once_in_order(schema: Schema, total: int) -> None:
    assert await schema.scalar("SELECT count(*) FROM {s}.applied") == total
    assert await schema.scalar("SELECT count(DISTINCT event_id) FROM {s}.applied") == total
    applied = await schema.rows("SELECT account_id, seq FROM {s}.applied ORDER BY n")
    for account in {acc for acc, _ in applied}:
        seqs = [int(str(seq)) for acc, seq in applied if acc == account]
        assert seqs == sorted(seqs), f"{account} applied out of order"


def _exit_code(process: ManagedProcess) -> int | None:
    popen = process._popen  # the launcher keeps the Popen private; its exit code is what we test
    return None if popen is None else popen.returncode


async def _committed_total(bootstrap: str, group: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        offsets = [await consumer.committed(TopicPartition(topic, p)) for p in (0, 1)]
        return sum(offset or 0 for offset in offsets)
    finally:
        await consumer.stop()


async def _count_is(schema: Schema, table: str, count: int) -> bool:
    return bool(await schema.scalar(f"SELECT count(*) FROM {{s}}.{table}") == count)


async def _count_at_least(schema: Schema, table: str, count: int) -> bool:
    return bool(await schema.scalar(f"SELECT count(*) FROM {{s}}.{table}") >= count)
