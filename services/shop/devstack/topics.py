"""The shop's topics, created up front with the partitions the local stack asks for.

Consumers would otherwise race the first producer for auto-creation; the operator does the same
with Strimzi KafkaTopics.
"""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from shop.topology import TOPICS, subscriptions


def shop_topics() -> list[str]:
    """Every event and command topic, and every consumer group's dead-letter topic."""
    names = [topic.name for topic in TOPICS]
    return names + sorted({subscription.dlq_topic for subscription in subscriptions()})


async def ensure_topics(bootstrap_servers: str, partitions: int) -> list[str]:
    """Create the shop's topics that do not exist yet; the names it created."""
    if partitions < 1:
        raise ValueError("partitions must be at least 1")
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in shop_topics() if name not in existing]
        if missing:
            new = [NewTopic(name, partitions, replication_factor=1) for name in missing]
            await admin.create_topics(new)
        return missing
    finally:
        await admin.close()
