"""Dead-letter topics `<topic>.<group>.dlq`: publishing, listing and replaying.

A dead letter is the original message (key, value, headers) plus `dlq-*` headers telling why
it failed and where it came from. Replaying republishes it, without the `dlq-*` headers, to its
original topic; consumers that had already handled it skip it through their inbox.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition

from shop.common import headers as h

Headers = Sequence[tuple[str, bytes]]
MAX_ERROR_MESSAGE = 2000
TOPIC_WAIT_SECONDS = 10.0


def dead_letter_headers(
    record: ConsumerRecord, *, group: str, error: BaseException, attempts: int
) -> list[tuple[str, bytes]]:
    """The original headers (minus stale `dlq-*` ones) plus this failure's."""
    kept = [(key, value) for key, value in record.headers if key not in h.DLQ_HEADERS]
    return [
        *kept,
        (h.DLQ_ERROR_TYPE_HEADER, type(error).__name__.encode()),
        (h.DLQ_ERROR_MESSAGE_HEADER, str(error)[:MAX_ERROR_MESSAGE].encode()),
        (h.DLQ_ORIGINAL_TOPIC_HEADER, record.topic.encode()),
        (h.DLQ_ORIGINAL_PARTITION_HEADER, str(record.partition).encode()),
        (h.DLQ_ORIGINAL_OFFSET_HEADER, str(record.offset).encode()),
        (h.DLQ_ATTEMPTS_HEADER, str(attempts).encode()),
        (h.DLQ_CONSUMER_GROUP_HEADER, group.encode()),
    ]


@dataclass(frozen=True)
class DeadLetter:
    """One message of a dead-letter topic."""

    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value.decode("utf-8", "replace")
        return None

    @property
    def original_topic(self) -> str:
        topic = self.header(h.DLQ_ORIGINAL_TOPIC_HEADER)
        if not topic:
            raise ValueError(f"dead letter at {self.partition}:{self.offset} names no topic")
        return topic

    def summary(self) -> dict[str, object]:
        """What `shop dlq list` shows of it."""
        return {
            "partition": self.partition,
            "offset": self.offset,
            "key": self.key.decode("utf-8", "replace") if self.key is not None else None,
            "event_id": self.header(h.EVENT_ID_HEADER),
            "event_type": self.header(h.EVENT_TYPE_HEADER),
            "error_type": self.header(h.DLQ_ERROR_TYPE_HEADER),
            "error_message": self.header(h.DLQ_ERROR_MESSAGE_HEADER),
            "original_topic": self.header(h.DLQ_ORIGINAL_TOPIC_HEADER),
            "original_partition": self.header(h.DLQ_ORIGINAL_PARTITION_HEADER),
            "original_offset": self.header(h.DLQ_ORIGINAL_OFFSET_HEADER),
            "attempts": self.header(h.DLQ_ATTEMPTS_HEADER),
            "consumer_group": self.header(h.DLQ_CONSUMER_GROUP_HEADER),
        }


async def read_dead_letters(bootstrap_servers: str, dlq_topic: str) -> list[DeadLetter]:
    """Every message currently in a dead-letter topic (read without a consumer group);
    `LookupError` if the topic does not exist. A paused broker accepts connections and answers
    nothing: bound the call (`asyncio.timeout`); the consumer is closed however it ends."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        enable_auto_commit=False,
        group_id=None,
        auto_offset_reset="earliest",
    )
    try:
        await consumer.start()
        return await _read_to_the_end(consumer, dlq_topic)
    finally:
        await consumer.stop()


async def _read_to_the_end(consumer: AIOKafkaConsumer, dlq_topic: str) -> list[DeadLetter]:
    # Asked first, so that a topic nothing was ever dead-lettered to is known at once
    # (not after waiting for an assignment) and is not auto-created by subscribing.
    if dlq_topic not in await consumer.topics():
        raise LookupError(f"topic {dlq_topic!r} does not exist")
    assigned = await assign_all_partitions(consumer, dlq_topic)
    ends = await consumer.end_offsets(assigned)
    letters: list[DeadLetter] = []
    while [tp for tp in assigned if await consumer.position(tp) < ends[tp]]:
        batches = await consumer.getmany(timeout_ms=1000)
        for records in batches.values():
            letters += [
                DeadLetter(r.partition, r.offset, r.key, r.value, tuple(r.headers))
                for r in records
                if r.offset < ends[TopicPartition(r.topic, r.partition)]
            ]
    return sorted(letters, key=lambda letter: (letter.partition, letter.offset))


async def assign_all_partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    """Subscribe without a group (every partition, from the beginning) and wait for it."""
    consumer.subscribe([topic])
    deadline = time.monotonic() + TOPIC_WAIT_SECONDS
    while not consumer.assignment():
        if time.monotonic() > deadline:
            raise LookupError(f"topic {topic!r} does not exist")
        await consumer.getmany(timeout_ms=100, max_records=1)
    assigned = sorted(consumer.assignment())
    await consumer.seek_to_beginning(*assigned)
    return assigned


async def replay_dead_letters(
    bootstrap_servers: str, dlq_topic: str, select: Callable[[DeadLetter], bool] = lambda _: True
) -> list[DeadLetter]:
    """Republish the selected dead letters to their original topics; return those replayed."""
    letters = [
        letter for letter in await read_dead_letters(bootstrap_servers, dlq_topic) if select(letter)
    ]
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers, acks="all", enable_idempotence=True
    )
    await producer.start()
    try:
        for letter in letters:
            original_headers = [(k, v) for k, v in letter.headers if k not in h.DLQ_HEADERS]
            await producer.send_and_wait(
                letter.original_topic,
                value=letter.value,
                key=letter.key,
                headers=original_headers,
            )
    finally:
        await producer.stop()
    return letters
