"""Kafka helpers of the context tests: publish envelopes, run a context's consumer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from uuid import uuid4

from aiokafka import AIOKafkaProducer
from prometheus_client import CollectorRegistry

from integration.messaging.support import running
from shop.common.consumer import (
    ChunkPreparer,
    ConsumerMetrics,
    ConsumerOptions,
    EventConsumer,
    EventHandlers,
)
from shop.common.events import DomainEvent, Envelope
from shop.common.headers import EVENT_ID_HEADER, EVENT_TYPE_HEADER
from shop.common.messaging_settings import InboxSettings
from shop.common.uow import UnitOfWork

U = TypeVar("U", bound=UnitOfWork)


def unique_topic(prefix: str) -> str:
    return f"test.{prefix}.{uuid4().hex[:10]}"


def envelope_of(event: DomainEvent, *, source: str, aggregate_type: str, key: str) -> Envelope:
    return Envelope.wrap(event, source=source, aggregate_type=aggregate_type, aggregate_id=key)


async def publish(
    bootstrap: str, topic: str, *envelopes: Envelope, raw: bytes | None = None
) -> None:
    """Send envelopes (and optionally one raw, possibly broken, value) as the relays do."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for envelope in envelopes:
            headers = [
                (EVENT_ID_HEADER, str(envelope.id).encode()),
                (EVENT_TYPE_HEADER, envelope.type.encode()),
            ]
            await producer.send_and_wait(
                topic, envelope.to_json(), key=envelope.key, headers=headers
            )
        if raw is not None:
            await producer.send_and_wait(topic, raw, key=b"raw")
    finally:
        await producer.stop()


@asynccontextmanager
async def consuming(
    bootstrap: str,
    topic: str,
    handlers: EventHandlers[U],
    uow_factory: Callable[[], U],
    *,
    prepare: ChunkPreparer[U] | None = None,
    registry: CollectorRegistry | None = None,
    **options: Any,
) -> AsyncIterator[str]:
    """Run a consumer of `topic` with a fresh group; yields the group's name. `prepare`: the
    context's chunk locks; `registry`: where its metrics go; `options`: `ConsumerOptions`
    fields beyond the tests' quick retries (two attempts, 50 ms apart)."""
    group = f"test-{uuid4().hex[:10]}"
    consumer = EventConsumer(
        group=group,
        topics=[topic],
        handlers=handlers,
        uow_factory=uow_factory,
        bootstrap_servers=bootstrap,
        metrics=ConsumerMetrics(registry or CollectorRegistry()),
        options=ConsumerOptions(**{"max_attempts": 2, "backoff_initial_seconds": 0.05, **options}),
        inbox=InboxSettings.for_schema(uow_factory().tables.schema),
        prepare=prepare,
    )
    async with running(consumer.run):
        yield group
