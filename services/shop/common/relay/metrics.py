"""Prometheus metrics of the built-in relay (registered in the process's registry)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

if TYPE_CHECKING:
    from shop.common.relay.store import OutboxRow

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)


class RelayMetrics:
    """Backlog, oldest unpublished age, published total, publish latency, leadership."""

    def __init__(self, registry: CollectorRegistry, schema: str) -> None:
        labels = ("schema",)
        self.backlog = Gauge(
            "shop_outbox_backlog_rows",
            "Outbox rows not yet published",
            labels,
            registry=registry,
        ).labels(schema)
        self.oldest_age = Gauge(
            "shop_outbox_oldest_unpublished_age_seconds",
            "Age of the oldest outbox row not yet published (0 when empty)",
            labels,
            registry=registry,
        ).labels(schema)
        self._published = Counter(
            "shop_outbox_published",
            "Events the relay published and the broker acknowledged",
            ("schema", "topic"),
            registry=registry,
        )
        self.failed = Counter(
            "shop_outbox_publish_failures",
            "Events whose publication failed (retried later)",
            labels,
            registry=registry,
        ).labels(schema)
        self.latency = Histogram(
            "shop_outbox_publish_latency_seconds",
            "From outbox insert to broker acknowledgement",
            labels,
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ).labels(schema)
        self.leader = Gauge(
            "shop_outbox_relay_active",
            "1 while this instance holds the schema's relay lock",
            labels,
            registry=registry,
        ).labels(schema)
        self._schema = schema
        self._published_by_topic: dict[str, Counter] = {}

    def published_rows(self, topic: str, rows: Sequence[OutboxRow], acked_at: datetime) -> None:
        """Rows of one topic the broker acknowledged at `acked_at`."""
        counter = self._published_by_topic.get(topic)
        if counter is None:
            counter = self._published_by_topic[topic] = self._published.labels(self._schema, topic)
        counter.inc(len(rows))
        observe = self.latency.observe
        for row in rows:
            observe(max(0.0, (acked_at - row.created_at).total_seconds()))

    def observe_backlog(self, rows: int, oldest: datetime | None) -> None:
        self.backlog.set(rows)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
        self.oldest_age.set(max(0.0, age))
