"""Lanes by key within one partition: one key's records in order, other keys' applied meanwhile,
and offsets committed never past a record not applied yet."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from integration.messaging.conftest import Schema
from integration.messaging.support import (
    OverlapRecorder,
    RefuseOne,
    RefuseUntilHealed,
    accounts_in_distinct_lanes,
    applied_in_order,
    committed_offset,
    consumer_for,
    envelope,
    running,
    topic_with,
    unique,
)
from shop.common.consumer.dlq import read_dead_letters
from shop.common.events import Envelope
from shop.topology import dlq_topic_name
from support.polling import wait_until_async

LANES = 4


def _interleaved(accounts: list[str], per_account: int) -> list[Envelope]:
    return [
        envelope("account.credited", account, seq)
        for seq in range(1, per_account + 1)
        for account in accounts
    ]


async def test_one_keys_records_stay_in_order_while_other_keys_overlap(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    schema = await new_schema()
    accounts = accounts_in_distinct_lanes(LANES, LANES)
    messages = _interleaved(accounts, 8)
    topic = await topic_with(bootstrap, {0: messages})
    slow_apply = OverlapRecorder()
    consumer = consumer_for(
        unique("g"),
        topic,
        schema.uow,
        bootstrap,
        handler=slow_apply,
        batch_size=2,
        concurrency=LANES,
        lanes_per_partition=LANES,
    )
    async with running(consumer.run):

        async def all_applied() -> bool:
            return bool(await schema.scalar("SELECT count(*) FROM {s}.applied") == len(messages))

        await wait_until_async(all_applied, within=60, what="every message applied")

    for account in accounts:
        sent = [event.id for event in messages if event.aggregate_id == account]
        assert await applied_in_order(schema, account) == sent  # once, in order
    assert await schema.scalar("SELECT count(*) FROM {s}.inbox") == len(messages)
    assert slow_apply.most_at_once >= 2  # one partition, yet different keys overlapped


async def test_a_failing_message_holds_up_its_own_lane_only(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    schema = await new_schema()
    doomed_account, other = accounts_in_distinct_lanes(2, LANES)
    doomed = envelope("account.credited", doomed_account, 0)
    after = [envelope("account.credited", doomed_account, seq) for seq in range(1, 4)]
    others = [envelope("account.credited", other, seq) for seq in range(1, 11)]
    messages = [doomed, *others[:5], *after, *others[5:]]  # one partition, keys interleaved
    topic = await topic_with(bootstrap, {0: messages})
    group = unique("g")
    refuse_doomed = RefuseOne(doomed.id)
    consumer = consumer_for(
        group,
        topic,
        schema.uow,
        bootstrap,
        handler=refuse_doomed,
        lanes_per_partition=LANES,
        max_attempts=4,
        backoff_initial_seconds=1.0,  # retries over 1 + 2 + 4 s before the dead-letter topic
    )
    async with running(consumer.run):

        async def others_applied() -> bool:
            count = await schema.scalar(
                f"SELECT count(*) FROM {{s}}.applied WHERE account_id = '{other}'"
            )
            return bool(count == len(others))

        await wait_until_async(others_applied, within=30, what="the other lane applied")
        assert refuse_doomed.attempts < 4  # the doomed message is still retrying meanwhile
        assert await applied_in_order(schema, doomed_account) == []

        async def all_applied() -> bool:
            count = await schema.scalar("SELECT count(*) FROM {s}.applied")
            return bool(count == len(messages) - 1)

        await wait_until_async(all_applied, within=60, what="every good message applied")

    letters = await read_dead_letters(bootstrap, dlq_topic_name(topic, group))
    assert [letter.header("dlq-original-offset") for letter in letters] == ["0"]
    assert await applied_in_order(schema, doomed_account) == [event.id for event in after]
    assert await applied_in_order(schema, other) == [event.id for event in others]
    assert await schema.scalar("SELECT count(*) FROM {s}.inbox") == len(messages) - 1
    assert await committed_offset(bootstrap, group, topic) == len(messages)


async def test_offsets_committed_never_skip_a_record_still_retrying_in_its_lane(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    schema = await new_schema()
    stuck_account, other = accounts_in_distinct_lanes(2, LANES)
    first = envelope("account.credited", other, 1)
    stuck = envelope("account.credited", stuck_account, 1)
    later = [envelope("account.credited", other, seq) for seq in range(2, 12)]
    messages = [first, stuck, *later]  # offsets 0, 1 (retrying), 2... (done meanwhile)
    topic = await topic_with(bootstrap, {0: messages})
    group = unique("g")
    refuse_stuck_until_healed = RefuseUntilHealed(stuck.id)

    stopping = consumer_for(
        group,
        topic,
        schema.uow,
        bootstrap,
        handler=refuse_stuck_until_healed,
        lanes_per_partition=LANES,
        max_attempts=100,
        backoff_initial_seconds=0.5,
        commit_interval_seconds=0,  # every poll: a later lane's offsets would be committed
    )
    async with running(stopping.run):

        async def others_applied() -> bool:
            count = await schema.scalar(
                f"SELECT count(*) FROM {{s}}.applied WHERE account_id = '{other}'"
            )
            return bool(count == 1 + len(later))

        await wait_until_async(others_applied, within=30, what="the other lane applied")
    # Stopped while `stuck` retries: offset 0 was done, 1 was not, 2... were.
    assert await committed_offset(bootstrap, group, topic) == 1
    assert await applied_in_order(schema, stuck_account) == []

    refuse_stuck_until_healed.healed = True
    resumed = consumer_for(
        group,
        topic,
        schema.uow,
        bootstrap,
        handler=refuse_stuck_until_healed,
        lanes_per_partition=LANES,
        commit_interval_seconds=0,
    )
    async with running(resumed.run):

        async def all_applied() -> bool:
            return bool(await schema.scalar("SELECT count(*) FROM {s}.applied") == len(messages))

        await wait_until_async(all_applied, within=60, what="the stuck message applied")
        await wait_until_async(
            lambda: _offset_is(bootstrap, group, topic, len(messages)),
            within=30,
            what="the whole partition committed",
        )

    assert await applied_in_order(schema, stuck_account) == [stuck.id]
    assert await applied_in_order(schema, other) == [first.id, *(event.id for event in later)]
    assert await schema.scalar("SELECT count(*) FROM {s}.inbox") == len(messages)  # once each


async def _offset_is(bootstrap: str, group: str, topic: str, offset: int) -> bool:
    return await committed_offset(bootstrap, group, topic) == offset
