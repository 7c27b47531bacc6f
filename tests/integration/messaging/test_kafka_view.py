"""`shop kafka topics|lag|dead-letters` on real Kafka: offsets, a group's lag, DLQ reasons."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import OffsetAndMetadata

from integration.messaging.support import unique
from shop.cli import main as shop_cli
from shop.common import headers as h
from shop.topology import dlq_topic_name


async def create_topics(bootstrap: str, *names: str, partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, partitions, replication_factor=1) for n in names])
    finally:
        await admin.close()


async def produce(
    bootstrap: str, topic: str, partition: int, count: int, headers: list[tuple[str, bytes]]
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for n in range(count):
            await producer.send_and_wait(
                topic, f"m{n}".encode(), partition=partition, headers=headers
            )
    finally:
        await producer.stop()


async def commit(bootstrap: str, group: str, offsets: dict[TopicPartition, int]) -> None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(list(offsets))
        await consumer.commit({tp: OffsetAndMetadata(o, "") for tp, o in offsets.items()})
    finally:
        await consumer.stop()


async def shop_kafka(*args: str) -> list[dict[str, Any]]:
    """The command's JSON lines (run on a thread: it has an event loop of its own)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert await asyncio.to_thread(shop_cli, ["kafka", *args, "--json"]) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def dlq_headers(error: str, message: str) -> list[tuple[str, bytes]]:
    return [
        (h.EVENT_TYPE_HEADER, b"basket.checked-out"),
        (h.DLQ_ERROR_TYPE_HEADER, error.encode()),
        (h.DLQ_ERROR_MESSAGE_HEADER, message.encode()),
    ]


async def test_topics_lag_and_dead_letters_are_shown_from_the_cluster(bootstrap: str) -> None:
    topic, group = f"t.{unique('view')}", unique("g")
    dlq = dlq_topic_name(topic, group)
    await create_topics(bootstrap, topic, partitions=2)
    await create_topics(bootstrap, dlq, partitions=1)
    await produce(bootstrap, topic, 0, 5, [])
    await produce(bootstrap, topic, 1, 2, [])
    await commit(bootstrap, group, {TopicPartition(topic, 0): 3, TopicPartition(topic, 1): 2})
    await produce(bootstrap, dlq, 0, 2, dlq_headers("PermanentError", "total does not add up"))
    await produce(bootstrap, dlq, 0, 1, dlq_headers("ValueError", "unknown currency"))

    topics = await shop_kafka("topics", "--bootstrap-servers", bootstrap)
    mine = [(r["partition"], r["beginning"], r["end"]) for r in topics if r["topic"] == topic]
    assert mine == [(0, 0, 5), (1, 0, 2)]

    lag = await shop_kafka("lag", "--group", group, "--bootstrap-servers", bootstrap)
    assert [(r["topic"], r["partition"], r["committed"], r["end"], r["lag"]) for r in lag] == [
        (topic, 0, 3, 5, 2),
        (topic, 1, 2, 2, 0),
    ]
    everyone = await shop_kafka("lag", "--bootstrap-servers", bootstrap)
    assert {r["group"] for r in everyone} >= {group}

    letters = await shop_kafka("dead-letters", "--latest", "2", "--bootstrap-servers", bootstrap)
    [summary] = [s for s in letters if s["topic"] == dlq]
    assert summary["count"] == 3
    assert [(r["error_type"], r["error_message"]) for r in summary["latest"]] == [
        ("ValueError", "unknown currency"),
        ("PermanentError", "total does not add up"),
    ]
    assert topic not in {s["topic"] for s in letters}
