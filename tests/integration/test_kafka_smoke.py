"""Kafka is real: the locked aiokafka client produces idempotently and consumes in a group."""

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition

from localinfra.kafka import KafkaBroker, metadata_broker_count

pytestmark = pytest.mark.integration


def test_the_broker_answers_metadata_on_loopback(kafka: KafkaBroker) -> None:
    assert kafka.bootstrap_servers.startswith("127.0.0.1:")
    assert metadata_broker_count(kafka.host, kafka.port) == 1


async def test_an_idempotent_produce_is_consumed_and_committed_by_a_group(
    kafka: KafkaBroker,
) -> None:
    topic = f"smoke-{uuid.uuid4().hex[:8]}"
    group = f"smoke-group-{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka.bootstrap_servers, enable_idempotence=True, acks="all"
    )
    await producer.start()
    try:
        sent = [
            await producer.send_and_wait(
                topic, f"value-{n}".encode(), key=b"order-1", headers=[("event-type", b"smoke")]
            )
            for n in range(3)
        ]
    finally:
        await producer.stop()
    assert [record.offset for record in sent] == [0, 1, 2]

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka.bootstrap_servers,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        received = [await asyncio.wait_for(consumer.getone(), timeout=60) for _ in range(3)]
        await consumer.commit()
    finally:
        await consumer.stop()
    assert [message.value for message in received] == [b"value-0", b"value-1", b"value-2"]
    assert {message.key for message in received} == {b"order-1"}
    assert received[0].headers == (("event-type", b"smoke"),)

    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    assert offsets[TopicPartition(topic, 0)].offset == 3
