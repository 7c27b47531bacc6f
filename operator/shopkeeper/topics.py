"""The shop's Kafka topics as the operator manages them, derived from `shop.topology`.

`shop.topology` is the single table of topics, publishers and consumer groups that the services
use too; this module only turns it into what the operator needs: event topics, one DLQ topic
`<topic>.<group>.dlq` per consumed (topic, group) pair, the contexts whose outbox publishes
(they get a relay or a Debezium connector) and each worker's subscriptions (for KEDA).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shop import topology


@dataclass(frozen=True)
class ManagedTopic:
    """A topic the platform needs."""

    name: str
    purpose: Literal["events", "dlq"]


def platform_topics(*, with_dlq: bool) -> list[ManagedTopic]:
    """Event topics, then DLQ topics (when enabled), each once, in a stable order."""
    topics = [ManagedTopic(t.name, "events") for t in topology.TOPICS]
    if with_dlq:
        dlqs = sorted({s.dlq_topic for s in topology.subscriptions()})
        topics += [ManagedTopic(name, "dlq") for name in dlqs]
    return topics


def publishing_contexts() -> tuple[str, ...]:
    """Contexts whose outbox writes at least one topic, in `CONTEXTS` order."""
    owners = {t.owner for t in topology.TOPICS}
    return tuple(c for c in topology.CONTEXTS if c in owners)


def consumed_topics(context: str) -> tuple[str, ...]:
    """Topics the worker of `context` consumes."""
    return tuple(t.name for t in topology.CONSUMES.get(context, ()))


def consumer_group(context: str) -> str:
    """Consumer group of the worker of `context`."""
    return topology.consumer_group(context)


CONTEXTS: tuple[str, ...] = topology.CONTEXTS
