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
    """Records a poll returns at most, and the bound of a partition's queue: with that many of
    its records queued and not done, the partition is paused until half of them are done
    (`shop.common.consumer.dispatch`). Keep it at least twice `batch_size`, so a lane has its
    next chunk queued while its partition is fetched again."""
    batch_size: int = 50
    """Messages applied in one transaction (1: each alone), see `shop.common.consumer.batch`."""
    concurrency: int = 4
    """Chunks applied at once (of different partitions, or lanes), each on a connection of its
    own (1: one chunk at a time); keep it below the process's database pool (`POOL_BURST` and
    `database_pool_size`), which the worker's other tasks share."""
    lanes_per_partition: int = 1
    """Lanes a partition's records are split into by key, applied concurrently (each in order,
    so one key's records stay in order), see `shop.common.consumer.lanes`; 1: each partition
    in order, as Kafka orders it."""
    poll_timeout_ms: int = 500
    fetch_max_wait_ms: int = 500
    """How long the broker holds a fetch that has fewer than `fetch_min_bytes`. A record
    answers a fetch at once only if its partition is in it: a paused partition is left out,
    and once resumed it waits for the fetch in flight, up to this long when the fetch's other
    partitions receive nothing (ADR 0063). With one byte, an idle consumer fetches twice a
    second."""
    fetch_min_bytes: int = 1
    """What a fetch waits for at the broker, up to `fetch_max_wait_ms`. Larger: one fetch
    per `fetch_max_wait_ms` at most, whatever the rate, each record waiting up to that long."""
    commit_interval_seconds: float = 5.0
    """Offsets are committed after a poll once this long passed since the last commit (and
    before a rebalance or shutdown): a crash redelivers at most this long's messages (and those
    queued), which the inbox absorbs."""
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
