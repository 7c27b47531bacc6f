"""A poll applied in shared transactions: a bad message in the middle goes alone to the DLQ."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from integration.messaging.conftest import Schema
from integration.messaging.support import (
    apply_credit,
    consumer_for,
    envelope,
    running,
    send,
    unique,
)
from shop.common.consumer import PermanentError
from shop.common.consumer.dlq import read_dead_letters
from shop.common.events import Envelope
from shop.common.uow import UnitOfWork
from shop.topology import dlq_topic_name
from support.polling import wait_until_async


async def refuse_account_bad(event: Envelope, uow: UnitOfWork) -> None:
    if event.data["account_id"] == "bad":
        raise PermanentError(f"{event.id} refused")
    await apply_credit(event, uow)


async def test_poison_and_refused_messages_mid_batch_go_alone_to_the_dlq(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    schema = await new_schema()
    topic, group = f"t.{unique('batch')}", unique("g")
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()
    good = [envelope("account.credited", f"a{i % 2}", i) for i in range(10)]
    refused = envelope("account.credited", "bad", 99)
    # Offsets 0-3 good, 4 refused by the handler, 5-7 good, 8 unreadable, 9-11 good.
    messages: list[bytes | Envelope] = [*good[:4], refused, *good[4:7], b"not json {", *good[7:]]
    await send(bootstrap, topic, messages)

    consumer = consumer_for(
        group, topic, schema.uow, bootstrap, handler=refuse_account_bad, batch_size=50
    )
    async with running(consumer.run):

        async def all_applied() -> bool:
            return bool(await schema.scalar("SELECT count(*) FROM {s}.applied") == len(good))

        await wait_until_async(all_applied, within=60, what="every good message applied")
        dlq = dlq_topic_name(topic, group)

        async def two_letters() -> bool:
            try:
                return len(await read_dead_letters(bootstrap, dlq)) >= 2
            except LookupError:
                return False

        await wait_until_async(two_letters, within=30, what="two dead letters")

    letters = await read_dead_letters(bootstrap, dlq)
    assert [
        (letter.header("dlq-original-offset"), letter.header("dlq-error-type"))
        for letter in letters
    ] == [("4", "PermanentError"), ("8", "PoisonMessageError")]
    applied = await schema.rows("SELECT event_id FROM {s}.applied ORDER BY n")
    assert [row[0] for row in applied] == [event.id for event in good]  # once each, in order
    inbox = await schema.rows('SELECT event_id FROM {s}.inbox ORDER BY "offset"')
    assert [row[0] for row in inbox] == [event.id for event in good]
    transactions = await schema.scalar("SELECT count(DISTINCT xmin::text) FROM {s}.applied")
    assert transactions < len(good)  # applied in shared transactions, not one by one
