"""A poll's partitions applied concurrently: each in order, a failing one holding up only itself."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import text

from integration.messaging.conftest import Schema
from integration.messaging.support import (
    OverlapRecorder,
    RefuseOne,
    apply_credit,
    consumer_for,
    envelope,
    running,
    topic_with,
    unique,
)
from shop.common.consumer.dlq import read_dead_letters
from shop.common.events import Envelope
from shop.common.uow import UnitOfWork
from shop.topology import dlq_topic_name
from support.polling import wait_until_async


async def test_each_partition_is_applied_in_order_while_others_are_applied_concurrently(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    schema = await new_schema()
    per_partition = 12
    partitions = {
        p: [envelope("account.credited", f"acc-{p}", seq) for seq in range(1, per_partition + 1)]
        for p in range(3)
    }
    topic = await topic_with(bootstrap, partitions)
    slow_apply = OverlapRecorder()
    consumer = consumer_for(
        unique("g"), topic, schema.uow, bootstrap, handler=slow_apply, batch_size=3, concurrency=3
    )
    async with running(consumer.run):

        async def all_applied() -> bool:
            count = await schema.scalar("SELECT count(*) FROM {s}.applied")
            return bool(count == 3 * per_partition)

        await wait_until_async(all_applied, within=60, what="every message applied")

    for p, envelopes in partitions.items():
        applied = await schema.rows(
            f"SELECT event_id, seq FROM {{s}}.applied WHERE account_id = 'acc-{p}' ORDER BY n"
        )
        assert [row[0] for row in applied] == [event.id for event in envelopes]  # once, in order
    assert await schema.scalar("SELECT count(*) FROM {s}.inbox") == 3 * per_partition
    assert slow_apply.most_at_once >= 2  # partitions' transactions overlapped


async def test_a_failing_message_holds_up_its_own_partition_only(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    schema = await new_schema()
    doomed = envelope("account.credited", "doomed", 0)
    stuck = [doomed, *(envelope("account.credited", "after", seq) for seq in range(1, 4))]
    others = [envelope("account.credited", "other", seq) for seq in range(1, 11)]
    topic = await topic_with(bootstrap, {0: stuck, 1: others})
    group = unique("g")
    refuse_doomed = RefuseOne(doomed.id)
    consumer = consumer_for(
        group,
        topic,
        schema.uow,
        bootstrap,
        handler=refuse_doomed,
        max_attempts=4,
        backoff_initial_seconds=1.0,  # retries over 1 + 2 + 4 s before the dead-letter topic
    )
    async with running(consumer.run):

        async def others_applied() -> bool:
            count = await schema.scalar(
                "SELECT count(*) FROM {s}.applied WHERE account_id = 'other'"
            )
            return bool(count == len(others))

        await wait_until_async(others_applied, within=30, what="the other partition applied")
        assert refuse_doomed.attempts < 4  # the doomed message is still retrying meanwhile
        assert (
            await schema.scalar("SELECT count(*) FROM {s}.applied WHERE account_id = 'after'") == 0
        )

        async def all_applied() -> bool:
            count = await schema.scalar("SELECT count(*) FROM {s}.applied")
            return bool(count == len(stuck) - 1 + len(others))

        await wait_until_async(all_applied, within=60, what="every good message applied")

    letters = await read_dead_letters(bootstrap, dlq_topic_name(topic, group))
    assert [letter.header("dlq-original-offset") for letter in letters] == ["0"]
    applied = await schema.rows(
        "SELECT event_id FROM {s}.applied WHERE account_id = 'after' ORDER BY n"
    )
    assert [row[0] for row in applied] == [event.id for event in stuck[1:]]
    assert await schema.scalar("SELECT count(*) FROM {s}.inbox") == len(stuck) - 1 + len(others)


def _locking_in_opposite_orders(
    schema: Schema, runs: list[object], *, one_message: bool
) -> Callable[[Envelope, UnitOfWork], Awaitable[None]]:
    """A handler for accounts p0 and p1 that lock the stock rows a and b in opposite orders:
    p0 a then b, p1 b then a; the first row in message 1, waiting (once) until the other holds
    its first row too, the second in the same message (`one_message`) or in message 2."""
    first, second = {"p0": "a", "p1": "b"}, {"p0": "b", "p1": "a"}
    holding: set[str] = set()

    async def lock(uow: UnitOfWork, key: str) -> None:
        await uow.session.execute(
            text(f"UPDATE {schema.name}.stock SET n = n + 1 WHERE key = :k"), {"k": key}
        )

    async def handle(event: Envelope, uow: UnitOfWork) -> None:
        runs.append(event.id)
        account, seq = event.data["account_id"], event.data["seq"]
        if seq == 1:
            await lock(uow, first[account])
            holding.add(account)
            for _ in range(500):  # both hold their first row (a retry finds them held already)
                if len(holding) == len(first):
                    break
                await asyncio.sleep(0.01)
        if one_message or seq == 2:
            await lock(uow, second[account])
        await apply_credit(event, uow)

    return handle


async def _dead_letters(bootstrap: str, dlq: str) -> list[object]:
    """The letters of `dlq`; none when nothing was ever dead-lettered (no topic)."""
    try:
        return list(await read_dead_letters(bootstrap, dlq))
    except LookupError:
        return []


async def _stock_schema(new_schema: Callable[[], Awaitable[Schema]]) -> Schema:
    schema = await new_schema()
    await schema.execute("CREATE TABLE {s}.stock (key text PRIMARY KEY, n int NOT NULL)")
    await schema.execute("INSERT INTO {s}.stock VALUES ('a', 0), ('b', 0)")
    await schema.execute("ALTER TABLE {s}.applied ADD COLUMN tx bigint DEFAULT txid_current()")
    return schema


async def test_messages_that_deadlock_are_applied_again_at_once_not_dead_lettered(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    schema = await _stock_schema(new_schema)
    messages = {
        0: [envelope("account.credited", "p0", 1)],
        1: [envelope("account.credited", "p1", 1)],
    }
    topic = await topic_with(bootstrap, messages)
    group = unique("g")
    runs: list[object] = []
    handler = _locking_in_opposite_orders(schema, runs, one_message=True)
    consumer = consumer_for(
        group,
        topic,
        schema.uow,
        bootstrap,
        handler=handler,
        batch_size=1,
        concurrency=2,
        max_attempts=1,  # a deadlock counted as a failed attempt would be dead-lettered
        backoff_initial_seconds=30.0,
    )
    async with running(consumer.run):

        async def both_applied() -> bool:
            return bool(await schema.scalar("SELECT count(*) FROM {s}.applied") == 2)

        await wait_until_async(both_applied, within=20, what="both messages applied")

    assert len(runs) > 2  # one of them deadlocked, and ran again
    assert await schema.rows("SELECT key, n FROM {s}.stock ORDER BY key") == [("a", 2), ("b", 2)]
    assert await schema.scalar("SELECT count(*) FROM {s}.inbox") == 2
    assert await _dead_letters(bootstrap, dlq_topic_name(topic, group)) == []


async def test_a_chunk_that_deadlocks_with_another_is_applied_again_whole(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    schema = await _stock_schema(new_schema)
    messages = {p: [envelope("account.credited", f"p{p}", seq) for seq in (1, 2)] for p in range(2)}
    topic = await topic_with(bootstrap, messages)
    group = unique("g")
    runs: list[object] = []
    handler = _locking_in_opposite_orders(schema, runs, one_message=False)
    consumer = consumer_for(
        group,
        topic,
        schema.uow,
        bootstrap,
        handler=handler,
        batch_size=2,
        concurrency=2,
        max_attempts=1,
        backoff_initial_seconds=30.0,
    )
    async with running(consumer.run):

        async def all_applied() -> bool:
            return bool(await schema.scalar("SELECT count(*) FROM {s}.applied") == 4)

        await wait_until_async(all_applied, within=20, what="every message applied")

    assert len(runs) > 4  # a chunk deadlocked, and ran again
    for p, envelopes in messages.items():
        applied = await schema.rows(
            f"SELECT event_id, tx FROM {{s}}.applied WHERE account_id = 'p{p}' ORDER BY n"
        )
        assert [row[0] for row in applied] == [event.id for event in envelopes]  # once, in order
        assert len({row[1] for row in applied}) == 1  # the chunk committed whole, not split
    assert await schema.rows("SELECT key, n FROM {s}.stock ORDER BY key") == [("a", 2), ("b", 2)]
    assert await schema.scalar("SELECT count(*) FROM {s}.inbox") == 4
    assert await _dead_letters(bootstrap, dlq_topic_name(topic, group)) == []
