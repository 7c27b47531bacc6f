"""How a context's consumer retries and polls: `SHOP_<CONTEXT>_CONSUMER_*`, else `SHOP_CONSUMER_*`.

SHOP_CONSUMER_MAX_ATTEMPTS              attempts before the dead-letter topic (default 5)
SHOP_CONSUMER_BACKOFF_INITIAL_SECONDS   wait after the first failure, doubling (default 0.2)
SHOP_CONSUMER_BACKOFF_MAX_SECONDS       longest wait between attempts (default 10)
SHOP_CONSUMER_MAX_RECORDS               records per poll (default 100)
SHOP_CONSUMER_BATCH_SIZE                records applied per transaction (default 50; 1: each alone)
SHOP_CONSUMER_CONCURRENCY               chunks applied at once, a connection each (default 4;
                                        catalog's lock their rows first, ADR 0062)
SHOP_CONSUMER_LANES_PER_PARTITION       lanes by key within a partition, concurrent (default 1)
SHOP_CONSUMER_COMMIT_INTERVAL_SECONDS   least time between offset commits (default 5; 0: every poll)
SHOP_CONSUMER_POLL_TIMEOUT_MS           longest wait of a poll for records (default 500)
SHOP_CONSUMER_FETCH_MAX_WAIT_MS         longest the broker holds a fetch (default 500)
SHOP_CONSUMER_FETCH_MIN_BYTES           what a fetch waits for at the broker (default 1: any record)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar, Self

from pydantic import Field

from shop.common.consumer.options import ConsumerOptions
from shop.common.context_settings import ContextSettings

_DEFAULTS = ConsumerOptions()

PACED: Mapping[str, object] = MappingProxyType(
    {"consumer_fetch_min_bytes": 1024 * 1024, "consumer_fetch_max_wait_ms": 500}
)
"""Defaults of a consumer off the saga's path (ADR 0007): the broker answers its fetch after
500 ms (or a MiB), so it makes two fetches a second whatever the rate, instead of one per
record each of its topics receives; each record waits 250 ms on average."""


ONE_CHUNK_AT_A_TIME: Mapping[str, object] = MappingProxyType({"consumer_concurrency": 1})
"""Defaults of a consumer whose messages of every partition write the same rows (reports'
counts by status, ADR 0059): concurrent chunks would only queue on those rows, or take them in
opposite orders and deadlock, each deadlock costing both chunks PostgreSQL's `deadlock_timeout`
(1 s). A consumer whose chunks share only some rows, and can name them from their messages,
locks them before a chunk's first message instead and keeps its concurrency (a
`ChunkPreparer`, `shop.common.consumer.chunk_locks`: catalog's, ADR 0062)."""


class ConsumerSettings(ContextSettings):
    """Retries, backoff and polling of one context's consumer; see `for_schema`."""

    description: ClassVar[str] = "consumer settings"

    consumer_max_attempts: int = Field(_DEFAULTS.max_attempts, ge=1, le=100)
    consumer_backoff_initial_seconds: float = Field(_DEFAULTS.backoff_initial_seconds, ge=0, le=600)
    consumer_backoff_max_seconds: float = Field(_DEFAULTS.backoff_max_seconds, ge=0, le=3600)
    consumer_max_records: int = Field(_DEFAULTS.max_records, ge=1, le=10_000)
    consumer_batch_size: int = Field(_DEFAULTS.batch_size, ge=1, le=10_000)
    consumer_concurrency: int = Field(_DEFAULTS.concurrency, ge=1, le=64)
    consumer_lanes_per_partition: int = Field(_DEFAULTS.lanes_per_partition, ge=1, le=64)
    consumer_commit_interval_seconds: float = Field(_DEFAULTS.commit_interval_seconds, ge=0, le=60)
    consumer_poll_timeout_ms: int = Field(_DEFAULTS.poll_timeout_ms, ge=10, le=60_000)
    consumer_fetch_max_wait_ms: int = Field(_DEFAULTS.fetch_max_wait_ms, ge=0, le=30_000)
    consumer_fetch_min_bytes: int = Field(_DEFAULTS.fetch_min_bytes, ge=1, le=64 * 1024 * 1024)

    @classmethod
    def for_context(cls, schema: str, defaults: Mapping[str, object]) -> Self:
        """`for_schema`, with `defaults` (field -> value) in place of the runtime's defaults
        for the fields the environment leaves unset (a context's own, like `PACED`)."""
        settings = cls.for_schema(schema)
        unset = {
            name: value for name, value in defaults.items() if name not in settings.model_fields_set
        }
        return cls.for_schema(schema, **unset) if unset else settings

    def options(self) -> ConsumerOptions:
        """These settings as the consumer runtime takes them."""
        return ConsumerOptions(
            max_attempts=self.consumer_max_attempts,
            backoff_initial_seconds=self.consumer_backoff_initial_seconds,
            backoff_max_seconds=self.consumer_backoff_max_seconds,
            max_records=self.consumer_max_records,
            batch_size=self.consumer_batch_size,
            concurrency=self.consumer_concurrency,
            lanes_per_partition=self.consumer_lanes_per_partition,
            commit_interval_seconds=self.consumer_commit_interval_seconds,
            poll_timeout_ms=self.consumer_poll_timeout_ms,
            fetch_max_wait_ms=self.consumer_fetch_max_wait_ms,
            fetch_min_bytes=self.consumer_fetch_min_bytes,
        )
