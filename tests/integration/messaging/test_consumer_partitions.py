"""A poll's partitions applied concurrently: each in order, a failing one holding up only itself."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from integration.messaging.conftest import Schema
from integration.messaging.support import apply_credit, consumer_for, envelope, running, unique
from shop.common.consumer.dlq import read_dead_letters
from shop.common.events import Envelope
from shop.common.headers import EVENT_ID_HEADER, EVENT_TYPE_HEADER
from shop.common.uow import UnitOfWork
from shop.topology import dlq_topic_name
from support.polling import wait_until_async


async def _topic_with(bootstrap: str, partitions: dict[int, list[Envelope]]) -> str:
    """A new topic holding each partition's envelopes, in order, as a relay publishes them."""
    topic = f"t.{unique('parts')}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(topic, num_partitions=len(partitions), replication_factor=1)]
        )
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for partition, envelopes in partitions.items():
            for message in envelopes:
                headers = [
                    (EVENT_ID_HEADER, str(message.id).encode()),
                    (EVENT_TYPE_HEADER, message.type.encode()),
                ]
                await producer.send_and_wait(
                    topic, message.to_json(), partition=partition, headers=headers
                )
    finally:
        await producer.stop()
    return topic


async def test_each_partition_is_applied_in_order_while_others_are_applied_concurrently(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    schema = await new_schema()
    per_partition = 12
    partitions = {
        p: [envelope("account.credited", f"acc-{p}", seq) for seq in range(1, per_partition + 1)]
        for p in range(3)
    }
    topic = await _topic_with(bootstrap, partitions)
    active = 0
    most_at_once = 0

    async def slow_apply(event: Envelope, uow: UnitOfWork) -> None:
        nonlocal active, most_at_once
        active += 1
        most_at_once = max(most_at_once, active)
        try:
            await apply_credit(event, uow)
            await asyncio.sleep(0.02)  # inside the transaction
        finally:
            active -= 1

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
    assert most_at_once >= 2  # partitions' transactions overlapped


async def test_a_failing_message_holds_up_its_own_partition_only(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    schema = await new_schema()
    doomed = envelope("account.credited", "doomed", 0)
    stuck = [doomed, *(envelope("account.credited", "after", seq) for seq in range(1, 4))]
    others = [envelope("account.credited", "other", seq) for seq in range(1, 11)]
    topic = await _topic_with(bootstrap, {0: stuck, 1: others})
    group = unique("g")
    attempts = 0

    async def refuse_doomed(event: Envelope, uow: UnitOfWork) -> None:
        nonlocal attempts
        if event.id == doomed.id:
            attempts += 1
            raise RuntimeError("always fails")
        await apply_credit(event, uow)

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
        assert attempts < 4  # the doomed message is still retrying meanwhile
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
