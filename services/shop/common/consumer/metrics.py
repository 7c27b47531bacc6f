"""Prometheus metrics of the consumer runtime."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

HANDLING_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class ConsumerMetrics:
    """Lag, queues, handling time and message outcomes per group and topic; inbox retention
    per group."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.lag = Gauge(
            "shop_consumer_lag_messages",
            "Messages not applied yet: those queued in the consumer, and those between its"
            " fetch position and the end",
            ("group", "topic", "partition"),
            registry=registry,
        )
        self.queued = Gauge(
            "shop_consumer_queued_messages",
            "Messages fetched and not applied yet, held in the consumer's lane queues",
            ("group", "topic", "partition"),
            registry=registry,
        )
        self.pauses = Counter(
            "shop_consumer_partition_pauses",
            "Times a partition's fetching was paused: its queued messages reached the bound",
            ("group", "topic"),
            registry=registry,
        )
        self.handling = Histogram(
            "shop_consumer_handling_seconds",
            "Time to handle one message, retries included",
            ("group", "topic"),
            buckets=HANDLING_BUCKETS,
            registry=registry,
        )
        self.messages = Counter(
            "shop_consumer_messages",
            "Messages by outcome: handled, duplicate, ignored, dead_lettered",
            ("group", "topic", "outcome"),
            registry=registry,
        )
        self.failures = Counter(
            "shop_consumer_failed_attempts",
            "Handling attempts that raised",
            ("group", "topic", "error"),
            registry=registry,
        )
        self.dead_lettered = Counter(
            "shop_consumer_dlq_messages",
            "Messages published to a dead-letter topic",
            ("group", "topic"),
            registry=registry,
        )
        self.inbox_purged = Counter(
            "shop_consumer_inbox_purged_rows",
            "Inbox rows deleted by the retention purge",
            ("group",),
            registry=registry,
        )
        self.inbox_purge_failures = Counter(
            "shop_consumer_inbox_purge_failures",
            "Retention purges that failed (retried later)",
            ("group",),
            registry=registry,
        )
        self.inbox_last_purge = Gauge(
            "shop_consumer_inbox_last_purge_timestamp_seconds",
            "Unix time of the group's last successful retention purge",
            ("group",),
            registry=registry,
        )
