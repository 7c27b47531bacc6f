"""Topics with their partitions' offsets, and consumer groups' lag per topic and partition."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


@dataclass(frozen=True)
class PartitionOffsets:
    topic: str
    partition: int
    beginning: int
    end: int

    @property
    def messages(self) -> int:
        """Messages retained in the partition (end minus the earliest offset still kept)."""
        return self.end - self.beginning


@dataclass(frozen=True)
class PartitionLag:
    group: str
    topic: str
    partition: int
    committed: int | None
    """The group's committed offset; None if it never committed on this partition."""
    end: int

    @property
    def lag(self) -> int:
        return self.end - (self.committed or 0)


@asynccontextmanager
async def offsets_reader(bootstrap_servers: str) -> AsyncIterator[AIOKafkaConsumer]:
    """A consumer without a group: it reads metadata and offsets, never commits."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        yield consumer
    finally:
        await consumer.stop()


async def partition_offsets(
    consumer: AIOKafkaConsumer, partitions: list[TopicPartition]
) -> list[PartitionOffsets]:
    if not partitions:
        return []
    beginnings = await consumer.beginning_offsets(partitions)
    ends = await consumer.end_offsets(partitions)
    return [
        PartitionOffsets(tp.topic, tp.partition, beginnings[tp], ends[tp])
        for tp in sorted(partitions)
    ]


@asynccontextmanager
async def admin_client(bootstrap_servers: str) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()


async def topic_partitions(
    admin: AIOKafkaAdminClient, topics: list[str] | None = None
) -> list[TopicPartition]:
    """The partitions of `topics` (default: every topic but Kafka's internal ones)."""
    if topics == []:
        return []
    described = await admin.describe_topics(topics)
    return sorted(
        TopicPartition(t["topic"], p["partition"])
        for t in described
        if not t.get("is_internal") and not t["error_code"]
        for p in t["partitions"]
    )


async def topic_offsets(bootstrap_servers: str) -> list[PartitionOffsets]:
    """Every topic of the cluster (internal ones left out), each partition's offsets."""
    async with admin_client(bootstrap_servers) as admin:
        partitions = await topic_partitions(admin)
    async with offsets_reader(bootstrap_servers) as consumer:
        return await partition_offsets(consumer, partitions)


async def consumer_lag(bootstrap_servers: str, group: str | None = None) -> list[PartitionLag]:
    """Per consumer group (or only `group`), topic and partition: committed offset, end, lag."""
    async with admin_client(bootstrap_servers) as admin:
        groups = [group] if group else sorted(str(g[0]) for g in await admin.list_consumer_groups())
        committed = {name: await admin.list_consumer_group_offsets(name) for name in groups}
    partitions = sorted({tp for offsets in committed.values() for tp in offsets})
    async with offsets_reader(bootstrap_servers) as consumer:
        ends = {
            (o.topic, o.partition): o.end for o in await partition_offsets(consumer, partitions)
        }
    return [
        PartitionLag(
            name,
            tp.topic,
            tp.partition,
            mark.offset if mark.offset >= 0 else None,
            ends[(tp.topic, tp.partition)],
        )
        for name in groups
        for tp, mark in sorted(committed[name].items())
    ]
