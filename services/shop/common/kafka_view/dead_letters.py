"""Per dead-letter topic: how many messages it holds and the reasons of the latest ones."""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition

from shop.common.consumer.dlq import DeadLetter
from shop.common.kafka_view.offsets import (
    admin_client,
    offsets_reader,
    partition_offsets,
    topic_partitions,
)

DLQ_SUFFIX = ".dlq"
READ_TIMEOUT_MS = 1000


@dataclass(frozen=True)
class DeadLetterSummary:
    topic: str
    count: int
    latest: tuple[DeadLetter, ...]
    """The newest dead letters, newest first (by the time they were dead-lettered)."""

    def reasons(self) -> list[dict[str, object]]:
        return [
            {
                "error_type": letter.summary()["error_type"],
                "error_message": letter.summary()["error_message"],
                "event_type": letter.summary()["event_type"],
                "partition": letter.partition,
                "offset": letter.offset,
            }
            for letter in self.latest
        ]


async def dead_letter_summaries(bootstrap_servers: str, latest: int = 3) -> list[DeadLetterSummary]:
    """Every `<topic>.<group>.dlq` of the cluster: its message count and latest reasons."""
    async with admin_client(bootstrap_servers) as admin:
        partitions = [tp for tp in await topic_partitions(admin) if tp.topic.endswith(DLQ_SUFFIX)]
    topics = {tp.topic for tp in partitions}
    async with offsets_reader(bootstrap_servers) as consumer:
        offsets = await partition_offsets(consumer, partitions)
        summaries = []
        for topic in sorted(topics):
            mine = [o for o in offsets if o.topic == topic]
            tail = {
                TopicPartition(o.topic, o.partition): (max(o.beginning, o.end - latest), o.end)
                for o in mine
                if o.messages
            }
            stamped = await _read_tail(consumer, tail) if tail else []
            stamped.sort(key=lambda item: (item[0], item[1].partition, item[1].offset))
            newest = tuple(letter for _, letter in reversed(stamped[-latest:]))
            summaries.append(DeadLetterSummary(topic, sum(o.messages for o in mine), newest))
        return summaries


async def _read_tail(
    consumer: AIOKafkaConsumer, ranges: dict[TopicPartition, tuple[int, int]]
) -> list[tuple[int, DeadLetter]]:
    """The messages of each partition from its start to its end offset (exclusive), with their
    timestamps."""
    consumer.assign(list(ranges))
    for tp, (start, _) in ranges.items():
        consumer.seek(tp, start)
    letters: list[tuple[int, DeadLetter]] = []
    pending = set(ranges)
    while pending:
        batches = await consumer.getmany(*pending, timeout_ms=READ_TIMEOUT_MS)
        for tp, records in batches.items():
            end = ranges[tp][1]
            letters += [
                (r.timestamp, DeadLetter(r.partition, r.offset, r.key, r.value, tuple(r.headers)))
                for r in records
                if r.offset < end
            ]
        pending = {tp for tp in pending if await consumer.position(tp) < ranges[tp][1]}
    return letters
