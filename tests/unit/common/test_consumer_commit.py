"""A commit refused because the group rebalanced meanwhile is not a crash."""

from __future__ import annotations

from typing import Any

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import CommitFailedError, KafkaConnectionError
from prometheus_client import CollectorRegistry

from shop.common.consumer.metrics import ConsumerMetrics
from shop.common.consumer.runtime import EventConsumer
from shop.common.messaging_settings import InboxSettings

pytestmark = pytest.mark.unit
PARTITION = TopicPartition("shop.ordering.order", 0)


class RefusingConsumer:
    """Stands in for AIOKafkaConsumer.commit only; raises what the broker made it raise."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        raise self.error


def consumer() -> EventConsumer[Any]:
    runtime: EventConsumer[Any] = EventConsumer(
        group="shop.reports",
        topics=["shop.ordering.order"],
        handlers={},
        uow_factory=lambda: None,
        bootstrap_servers="127.0.0.1:9",
        metrics=ConsumerMetrics(CollectorRegistry()),
        inbox=InboxSettings.for_schema("reports"),
    )
    runtime._done[PARTITION] = 42  # offset 41 was handled
    return runtime


async def test_offsets_taken_away_by_a_rebalance_are_dropped_not_fatal() -> None:
    runtime = consumer()
    await runtime._commit_unless_rebalanced(RefusingConsumer(CommitFailedError("rebalanced")))
    assert runtime._done == {}  # the new owner redelivers; the inbox absorbs the duplicates


async def test_other_commit_failures_still_raise() -> None:
    runtime = consumer()
    with pytest.raises(KafkaConnectionError):
        await runtime._commit_unless_rebalanced(RefusingConsumer(KafkaConnectionError()))
    assert runtime._done == {PARTITION: 42}
