"""The consumer fetches on while records are applied: a record waits for its own lane only.

Records of other partitions (or lanes) produced while a chunk is slow or a message retries are
applied meanwhile; a partition whose queue reaches the bound is paused and resumed; offsets
never pass a record not done, across polls; a record is never held by the broker's fetch wait.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry

from integration.messaging.conftest import Schema
from integration.messaging.support import (
    RefuseOne,
    RefuseUntilHealed,
    accounts_in_distinct_lanes,
    applied_in_order,
    apply_credit,
    committed_offset,
    consumer_for,
    envelope,
    running,
    send,
    topic_with,
    unique,
)
from shop.common.consumer.dlq import read_dead_letters
from shop.common.events import Envelope
from shop.common.uow import UnitOfWork
from shop.topology import dlq_topic_name
from support.polling import wait_until_async


async def _count(schema: Schema, account: str | None = None) -> int:
    where = "" if account is None else f" WHERE account_id = '{account}'"
    return int(await schema.scalar(f"SELECT count(*) FROM {{s}}.applied{where}"))


async def test_a_record_of_another_partition_is_applied_while_a_slow_chunk_runs(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    schema = await new_schema()
    slow = envelope("account.credited", "slow", 1)
    topic = await topic_with(bootstrap, {0: [slow], 1: []})
    holding, release = asyncio.Event(), asyncio.Event()

    async def hold_slow(event: Envelope, uow: UnitOfWork) -> None:
        await apply_credit(event, uow)
        if event.id == slow.id:
            holding.set()
            await release.wait()  # inside the transaction: the chunk has not ended

    consumer = consumer_for(unique("g"), topic, schema.uow, bootstrap, handler=hold_slow)
    async with running(consumer.run):
        await asyncio.wait_for(holding.wait(), timeout=30)
        quick = envelope("account.credited", "quick", 1)
        await send(bootstrap, topic, [quick], partition=1)  # produced while the chunk runs
        try:
            await wait_until_async(
                lambda: _count(schema, "quick"), within=15, what="the other partition's record"
            )
            assert await _count(schema, "slow") == 0  # the slow chunk is still in hand
        finally:
            release.set()

        await wait_until_async(lambda: _count(schema, "slow"), within=15, what="the slow chunk")

    assert await applied_in_order(schema, "quick") == [quick.id]
    assert await applied_in_order(schema, "slow") == [slow.id]
    assert await schema.scalar("SELECT count(*) FROM {s}.inbox") == 2


async def test_a_message_backing_off_does_not_delay_another_partitions_later_records(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    schema = await new_schema()
    doomed = envelope("account.credited", "doomed", 0)
    after = envelope("account.credited", "doomed", 1)
    topic = await topic_with(bootstrap, {0: [doomed, after], 1: []})
    group = unique("g")
    refuse_doomed = RefuseOne(doomed.id)
    consumer = consumer_for(
        group,
        topic,
        schema.uow,
        bootstrap,
        handler=refuse_doomed,
        max_attempts=3,
        backoff_initial_seconds=2.0,  # retries after 2 s and 4 s, then the dead-letter topic
    )
    async with running(consumer.run):

        async def retrying() -> bool:
            return refuse_doomed.attempts >= 1

        await wait_until_async(retrying, within=30, what="the doomed message's first attempt")
        later = [envelope("account.credited", "other", seq) for seq in range(1, 6)]
        await send(bootstrap, topic, later, partition=1)  # produced while it backs off

        async def later_applied() -> bool:
            return await _count(schema, "other") == len(later)

        await wait_until_async(later_applied, within=30, what="the later records of partition 1")
        assert refuse_doomed.attempts < 3  # still backing off: nothing waited for its lane
        assert await _count(schema, "doomed") == 0

        async def after_applied() -> bool:
            return await _count(schema, "doomed") == 1

        await wait_until_async(after_applied, within=30, what="the record after the doomed one")

    letters = await read_dead_letters(bootstrap, dlq_topic_name(topic, group))
    assert [letter.header("dlq-original-offset") for letter in letters] == ["0"]
    assert await applied_in_order(schema, "other") == [event.id for event in later]
    assert await applied_in_order(schema, "doomed") == [after.id]


async def test_a_partition_past_the_bound_is_paused_and_every_record_applied_once_in_order(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    schema = await new_schema()
    bound = 4  # max_records: records per poll, and the most queued before a pause
    lanes = 2
    slow_accounts = accounts_in_distinct_lanes(lanes, lanes)
    backlog = [
        envelope("account.credited", account, seq)
        for seq in range(1, 16)
        for account in slow_accounts
    ]
    quick = [envelope("account.credited", "quick", seq) for seq in range(1, 11)]
    topic = await topic_with(bootstrap, {0: backlog, 1: quick})
    group = unique("g")
    registry = CollectorRegistry()
    most_queued = 0

    def queued() -> float:
        value = registry.get_sample_value(
            "shop_consumer_queued_messages", {"group": group, "topic": topic, "partition": "0"}
        )
        return value or 0.0

    async def slow_on_partition_0(event: Envelope, uow: UnitOfWork) -> None:
        nonlocal most_queued
        most_queued = max(most_queued, int(queued()))
        await apply_credit(event, uow)
        if event.aggregate_id != "quick":
            await asyncio.sleep(0.05)  # inside the transaction

    consumer = consumer_for(
        group,
        topic,
        schema.uow,
        bootstrap,
        handler=slow_on_partition_0,
        registry=registry,
        max_records=bound,
        batch_size=2,
        lanes_per_partition=lanes,
        concurrency=2,
    )
    async with running(consumer.run):

        async def sample_queue() -> None:
            nonlocal most_queued
            while True:
                most_queued = max(most_queued, int(queued()))
                await asyncio.sleep(0.005)

        sampler = asyncio.create_task(sample_queue())
        try:

            async def quick_applied() -> bool:
                return await _count(schema, "quick") == len(quick)

            await wait_until_async(quick_applied, within=30, what="the other partition applied")
            assert await _count(schema) - len(quick) < len(backlog)  # the backlog still draining

            async def all_applied() -> bool:
                return await _count(schema) == len(backlog) + len(quick)

            await wait_until_async(all_applied, within=60, what="every record applied")
        finally:
            sampler.cancel()

    pauses = registry.get_sample_value(
        "shop_consumer_partition_pauses_total", {"group": group, "topic": topic}
    )
    assert (pauses or 0) >= 1  # the backlog's partition was paused
    assert bound <= most_queued < 2 * bound  # it filled up to the bound, never far past it
    for account in [*slow_accounts, "quick"]:
        sent = [event.id for event in [*backlog, *quick] if event.aggregate_id == account]
        assert await applied_in_order(schema, account) == sent  # once, in order
    assert await schema.scalar("SELECT count(*) FROM {s}.inbox") == len(backlog) + len(quick)
    assert await committed_offset(bootstrap, group, topic, 0) == len(backlog)
    assert await committed_offset(bootstrap, group, topic, 1) == len(quick)


async def test_a_consumer_stopped_while_a_lane_retries_commits_up_to_that_record_only(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    schema = await new_schema()
    lanes = 4
    stuck_account, other = accounts_in_distinct_lanes(2, lanes)
    stuck = envelope("account.credited", stuck_account, 1)
    first = [envelope("account.credited", other, 1), stuck]
    first += [envelope("account.credited", other, seq) for seq in range(2, 7)]
    beside = [envelope("account.credited", "beside", seq) for seq in range(1, 6)]
    topic = await topic_with(bootstrap, {0: first, 1: beside})
    group = unique("g")
    refuse_stuck_until_healed = RefuseUntilHealed(stuck.id)

    stopping = consumer_for(
        group,
        topic,
        schema.uow,
        bootstrap,
        handler=refuse_stuck_until_healed,
        lanes_per_partition=lanes,
        max_attempts=100,
        backoff_initial_seconds=0.5,
        commit_interval_seconds=0,  # as often as it polls
    )
    # Fetched in later polls, while `stuck` retries: its key's next record, and others'.
    then_0 = [envelope("account.credited", other, seq) for seq in range(7, 11)]
    then_0.append(envelope("account.credited", stuck_account, 2))
    then_1 = [envelope("account.credited", "beside", seq) for seq in range(6, 11)]
    async with running(stopping.run):

        async def first_applied() -> bool:
            return await _count(schema, other) == 6 and await _count(schema, "beside") == 5

        await wait_until_async(first_applied, within=30, what="the first records applied")
        await send(bootstrap, topic, then_0, partition=0)
        await send(bootstrap, topic, then_1, partition=1)

        async def later_applied() -> bool:
            return await _count(schema, other) == 10 and await _count(schema, "beside") == 10

        await wait_until_async(later_applied, within=30, what="the later polls applied")
    # Stopped while `stuck` (offset 1) retries; every other record but its key's next was done.
    assert await committed_offset(bootstrap, group, topic, 0) == 1
    assert await committed_offset(bootstrap, group, topic, 1) == 10
    assert await applied_in_order(schema, stuck_account) == []

    refuse_stuck_until_healed.healed = True
    resumed = consumer_for(
        group,
        topic,
        schema.uow,
        bootstrap,
        handler=refuse_stuck_until_healed,
        lanes_per_partition=lanes,
        commit_interval_seconds=0,
    )
    total = len(first) + len(then_0) + len(beside) + len(then_1)
    async with running(resumed.run):

        async def all_applied() -> bool:
            return await _count(schema) == total

        await wait_until_async(all_applied, within=60, what="the stuck key's records applied")

        async def all_committed() -> bool:
            return await committed_offset(bootstrap, group, topic, 0) == len(first) + len(then_0)

        await wait_until_async(all_committed, within=30, what="partition 0 committed whole")

    assert await applied_in_order(schema, stuck_account) == [stuck.id, then_0[-1].id]
    others = [event.id for event in [*first, *then_0] if event.aggregate_id == other]
    assert await applied_in_order(schema, other) == others
    assert await applied_in_order(schema, "beside") == [event.id for event in beside + then_1]
    assert await schema.scalar("SELECT count(*) FROM {s}.inbox") == total  # once each


async def test_a_record_is_not_held_by_the_brokers_fetch_wait_while_its_partition_is_busy(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    """Partition 1 idle: a fetch leaving partition 0 out waits `fetch_max_wait_ms` at the broker;
    the consumer must never leave 0 out while its records are being applied."""
    schema = await new_schema()
    topic = await topic_with(bootstrap, {0: [], 1: []})
    handling: dict[int, asyncio.Event] = {seq: asyncio.Event() for seq in (1, 2, 3)}

    async def slow(event: Envelope, uow: UnitOfWork) -> None:
        handling[event.data["seq"]].set()
        await apply_credit(event, uow)
        await asyncio.sleep(0.5)  # inside the transaction

    consumer = consumer_for(
        unique("g"), topic, schema.uow, bootstrap, handler=slow, fetch_max_wait_ms=5000
    )
    busy = [envelope("account.credited", "busy", seq) for seq in (1, 2, 3)]
    async with running(consumer.run):
        await send(bootstrap, topic, busy[:1], partition=0)
        await asyncio.wait_for(handling[1].wait(), timeout=30)
        await send(bootstrap, topic, busy[1:2], partition=0)  # fetched while 1 is applied
        await asyncio.wait_for(handling[2].wait(), timeout=30)
        await send(bootstrap, topic, busy[2:], partition=0)  # while 2 is applied
        sent = time.monotonic()

        async def third_applied() -> bool:
            return await _count(schema, "busy") == 3

        await wait_until_async(third_applied, within=30, what="the third record applied")
        waited = time.monotonic() - sent

    assert waited < 2.5  # its lane's 0.5 s and its own, not the broker's 5 s fetch wait
    assert await applied_in_order(schema, "busy") == [event.id for event in busy]
