"""`GET /dead-letters`: the messages a context's worker gave up on, read-only, for admins.

Each API lists its own context's dead letters: every `<topic>.<group>.dlq` of the topics its
worker consumes (`shop.topology`), read from the beginning without a consumer group, as
`shop dlq list` shows them. Replaying them stays an operator's command (`shop dlq replay`).
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from aiokafka.errors import KafkaTimeoutError
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from shop.common.app import ProcessDep
from shop.common.auth.dependencies import ADMIN_ONLY
from shop.common.consumer.dlq import DeadLetter, read_dead_letters
from shop.topology import consumer_group, subscriptions


class DeadLetterOut(BaseModel):
    topic: str = Field(examples=["shop.ordering.order.shop.reports.dlq"])
    partition: int
    offset: int
    key: str | None
    event_id: str | None
    event_type: str | None = Field(examples=["order.confirmed"])
    error_type: str | None = Field(examples=["ValidationError"])
    error_message: str | None
    original_topic: str | None
    original_partition: str | None
    original_offset: str | None
    attempts: str | None
    consumer_group: str | None

    @classmethod
    def of(cls, topic: str, letter: DeadLetter) -> DeadLetterOut:
        return cls.model_validate({"topic": topic, **letter.summary()})


def dlq_topics(context: str) -> list[str]:
    """The dead-letter topics of the consumer group of `context`'s worker."""
    group = consumer_group(context)
    return [s.dlq_topic for s in subscriptions() if s.group == group]


async def read_within(bootstrap_servers: str, topic: str, seconds: float) -> list[DeadLetter]:
    """`read_dead_letters`, or `KafkaTimeoutError` (a 503, `shop.common.outages`) when the
    broker has not handed them over within `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            return await read_dead_letters(bootstrap_servers, topic)
    except TimeoutError as err:
        raise KafkaTimeoutError(f"the broker did not hand over {topic} within {seconds} s") from err


def dead_letters_router(context: str) -> APIRouter:
    """The route listing `context`'s dead letters, oldest first per topic."""
    router = APIRouter(tags=["dead letters"], dependencies=[ADMIN_ONLY])

    @router.get("/dead-letters")
    async def list_dead_letters(
        process: ProcessDep, limit: Annotated[int, Query(ge=1, le=1000)] = 200
    ) -> list[DeadLetterOut]:
        """The last `limit` dead letters of every dead-letter topic of this context (503 while
        the broker does not answer within `kafka_request_timeout_seconds` per topic)."""
        found: list[DeadLetterOut] = []
        settings = process.settings
        for topic in dlq_topics(context):
            try:
                letters = await read_within(
                    settings.kafka_bootstrap_servers, topic, settings.kafka_request_timeout_seconds
                )
            except LookupError:  # the topic was never created: nothing was dead-lettered
                continue
            found += [DeadLetterOut.of(topic, letter) for letter in letters[-limit:]]
        return found

    return router
