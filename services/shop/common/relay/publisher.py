"""Publishing outbox rows with an idempotent producer, one PRODUCER span per event when traced."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.partitioner import DefaultPartitioner
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from shop.common.headers import EVENT_ID_HEADER, EVENT_TYPE_HEADER, ID_HEADER
from shop.common.relay.metrics import RelayMetrics
from shop.common.relay.store import OutboxRow
from shop.common.trace_context import (
    context_from_properties,
    kafka_instrumented,
    trace_headers,
    tracing_active,
)


def idempotent_producer(bootstrap_servers: str, client_id: str, linger_ms: int) -> AIOKafkaProducer:
    """acks=all + idempotence: broker retries never duplicate or reorder a partition."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=linger_ms,
        max_batch_size=256 * 1024,
        request_timeout_ms=30_000,
    )


class PublishError(Exception):
    """Some events of a batch were not acknowledged; `acked` holds those that were."""

    def __init__(self, acked: list[uuid.UUID], failures: list[BaseException]) -> None:
        super().__init__(f"{len(failures)} events not acknowledged: {failures[0]!r}")
        self.acked = acked


@dataclass(frozen=True)
class _Pending:
    """Rows handed to the producer together: one record batch of one partition, or one
    traced row; `delivery` resolves when the broker acknowledged them all."""

    rows: Sequence[OutboxRow]
    topic: str
    span: trace.Span | None
    delivery: asyncio.Future[object]


class InFlight:
    """A batch handed to the producer: `acked()` waits for the broker's answers."""

    def __init__(
        self,
        pending: list[_Pending],
        failures: list[BaseException],
        metrics: RelayMetrics,
        last: OutboxRow | None,
    ) -> None:
        self._pending = pending
        self._failures = failures
        self._metrics = metrics
        self.last = last
        self.complete = not failures
        """False if sending stopped early: the rows after it must wait for the next round."""

    async def acked(self) -> list[uuid.UUID]:
        """The ids of the batch once all are acknowledged, else `PublishError`."""
        results = await asyncio.gather(*(p.delivery for p in self._pending), return_exceptions=True)
        acked_at = datetime.now(UTC)
        acked: list[uuid.UUID] = []
        failures = self._failures
        for item, result in zip(self._pending, results, strict=True):
            if isinstance(result, BaseException):
                failures.append(result)
                self._metrics.failed.inc(len(item.rows))
                if item.span is not None:
                    item.span.record_exception(result)
                    item.span.set_status(Status(StatusCode.ERROR, str(result)))
            else:
                acked += [row.id for row in item.rows]
                self._metrics.published_rows(item.topic, item.rows, acked_at)
            if item.span is not None:
                item.span.end()
        if failures:
            raise PublishError(acked, failures)
        return acked


class OutboxPublisher:
    """Sends batches in order; their acknowledgements are awaited apart (`InFlight`).

    Untraced, the rows of a batch go as one record batch per partition (`send_batch`: no
    future, size estimate or partitioner call per event); the partition is the one the
    producer's default partitioner picks for the row's key (murmur2, as Java's and
    Debezium's), remembered per key. Traced, each row is sent alone under its PRODUCER span.
    """

    def __init__(self, producer: AIOKafkaProducer, metrics: RelayMetrics) -> None:
        self._producer = producer
        self._metrics = metrics
        self._tracer = trace.get_tracer("shop.outbox.relay")
        self._instrumented = kafka_instrumented()
        self._partitioner = DefaultPartitioner()
        self._partition_of: dict[tuple[str, str], int] = {}

    async def publish(self, rows: Sequence[OutboxRow]) -> list[uuid.UUID]:
        """Publish rows; return their ids once all are acked, else raise `PublishError`."""
        return await (await self.send(rows)).acked()

    async def send(self, rows: Sequence[OutboxRow]) -> InFlight:
        """Hand the rows to the producer, in order; a row that cannot be sent stops the batch."""
        if tracing_active():
            return await self._send_each_traced(rows)
        pending: list[_Pending] = []
        failures: list[BaseException] = []
        try:
            for (topic, partition), group in (await self._by_partition(rows)).items():
                pending += await self._send_batches(topic, partition, group)
        except KafkaError as err:  # e.g. no metadata in time: later rows must wait
            failures.append(err)
            self._metrics.failed.inc()
        return InFlight(pending, failures, self._metrics, rows[-1] if rows else None)

    async def _by_partition(
        self, rows: Sequence[OutboxRow]
    ) -> dict[tuple[str, int], list[OutboxRow]]:
        groups: dict[tuple[str, int], list[OutboxRow]] = {}
        for row in rows:
            partition = self._partition_of.get((row.topic, row.aggregateid))
            if partition is None:
                partition = await self._partition(row.topic, row.aggregateid)
            groups.setdefault((row.topic, partition), []).append(row)
        return groups

    async def _partition(self, topic: str, key: str) -> int:
        partitions = sorted(await self._producer.partitions_for(topic))
        partition: int = self._partitioner(key.encode(), partitions, partitions)
        if len(self._partition_of) >= _PARTITION_CACHE_SIZE:
            self._partition_of.clear()
        self._partition_of[(topic, key)] = partition
        return partition

    async def _send_batches(
        self, topic: str, partition: int, rows: list[OutboxRow]
    ) -> list[_Pending]:
        """The rows of one partition as record batches, in order (a full batch is sent and
        the rest go in the next)."""
        pending: list[_Pending] = []
        start = 0
        while start < len(rows):
            batch = self._producer.create_batch()
            end = start
            while (
                end < len(rows) and batch.append(timestamp=None, **_record(rows[end])) is not None
            ):
                end += 1
            if end == start:  # larger than a whole batch: sent alone, as `send` sizes it
                delivery = await self._producer.send(
                    topic, partition=partition, **_record(rows[end])
                )
                end += 1
            else:
                batch.close()
                delivery = await self._producer.send_batch(batch, topic, partition=partition)
            pending.append(_Pending(rows[start:end], topic, None, delivery))
            start = end
        return pending

    async def _send_each_traced(self, rows: Sequence[OutboxRow]) -> InFlight:
        pending: list[_Pending] = []
        failures: list[BaseException] = []
        for row in rows:
            try:
                pending.append(await self._send_traced(row))
            except KafkaError as err:  # e.g. no metadata in time: later rows must wait
                failures.append(err)
                self._metrics.failed.inc()
                break
        return InFlight(pending, failures, self._metrics, pending[-1].rows[-1] if pending else None)

    async def _send_traced(self, row: OutboxRow) -> _Pending:
        # Child of the context stored with the row: the trace continues from the writer.
        span = self._tracer.start_span(
            f"{row.topic} publish",
            context=context_from_properties(row.tracingspancontext),
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "publish",
                "messaging.destination.name": row.topic,
                "messaging.message.id": str(row.id),
                "messaging.kafka.message.key": row.aggregateid,
                "shop.event.type": row.type,
            },
        )
        # Unless the aiokafka instrumentation's send span (our child) writes them, once.
        extra = [] if self._instrumented else trace_headers(trace.set_span_in_context(span))
        try:
            with trace.use_span(span, end_on_exit=False):
                delivery = await self._producer.send(row.topic, **_record(row, extra))
        except BaseException as err:
            span.record_exception(err)
            span.set_status(Status(StatusCode.ERROR, str(err)))
            span.end()
            raise
        return _Pending((row,), row.topic, span, delivery)


_PARTITION_CACHE_SIZE = 100_000


def _record(row: OutboxRow, extra: Sequence[tuple[str, bytes]] = ()) -> dict[str, Any]:
    """The Kafka record of a row: the envelope as value, the aggregate id as key, and the
    event id and type as headers."""
    event_id = str(row.id).encode()
    headers = [
        (ID_HEADER, event_id),
        (EVENT_ID_HEADER, event_id),
        (EVENT_TYPE_HEADER, row.type.encode()),
        *extra,
    ]
    return {
        "value": row.payload.encode(),
        "key": row.aggregateid.encode(),
        "headers": headers,
    }
