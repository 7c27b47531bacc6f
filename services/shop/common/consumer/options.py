"""Tuning of a consumer: retries, backoff, records per poll and transaction, concurrency, lanes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConsumerOptions:
    """Bounded retries with exponential backoff, then the dead-letter topic."""

    max_attempts: int = 5
    backoff_initial_seconds: float = 0.2
    backoff_max_seconds: float = 10.0
    max_records: int = 100
    batch_size: int = 50
    """Messages applied in one transaction (1: each alone), see `shop.common.consumer.batch`."""
    concurrency: int = 4
    """Chunks of a poll applied at once (of different partitions, or lanes), each on a
    connection of its own (1: one chunk at a time); keep it below the process's database
    pool (`POOL_BURST` and `database_pool_size`), which the worker's other tasks share."""
    lanes_per_partition: int = 1
    """Lanes a partition's polled records are split into by key, applied concurrently (each in
    order, so one key's records stay in order), see `shop.common.consumer.lanes`; 1: each
    partition in order, as Kafka orders it."""
    poll_timeout_ms: int = 500
    fetch_max_wait_ms: int = 5000
    """How long the broker holds a fetch that has fewer than `fetch_min_bytes`: with the
    default of one byte, only the idle polling's rate (a record answers it at once)."""
    fetch_min_bytes: int = 1
    """What a fetch waits for at the broker, up to `fetch_max_wait_ms`. Larger: one fetch
    per `fetch_max_wait_ms` at most, whatever the rate, each record waiting up to that long."""
    commit_interval_seconds: float = 5.0
    """Offsets are committed after a poll once this long passed since the last commit (and
    before a rebalance or shutdown): a crash redelivers at most this long's messages, which
    the inbox absorbs."""
    lag_interval_seconds: float = 5.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.backoff_initial_seconds < 0 or self.backoff_max_seconds < 0:
            raise ValueError("backoff must not be negative")
        if self.max_records < 1:
            raise ValueError("max_records must be at least 1")
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if self.lanes_per_partition < 1:
            raise ValueError("lanes_per_partition must be at least 1")
        if self.fetch_min_bytes < 1:
            raise ValueError("fetch_min_bytes must be at least 1")

    def backoff(self, failed_attempts: int) -> float:
        """Seconds to wait after the n-th failed attempt: initial * 2^(n-1), capped."""
        delay = self.backoff_initial_seconds * 2 ** (failed_attempts - 1)
        return float(min(self.backoff_max_seconds, delay))
