"""Publishing outbox rows with an idempotent producer, one PRODUCER span per event when traced."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
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
    row: OutboxRow
    span: trace.Span | None
    delivery: asyncio.Future[object]


class InFlight:
    """A batch handed to the producer: `acked()` waits for the broker's answers."""

    def __init__(
        self, pending: list[_Pending], failures: list[BaseException], metrics: RelayMetrics
    ) -> None:
        self._pending = pending
        self._failures = failures
        self._metrics = metrics
        self.last = pending[-1].row if pending else None
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
                self._metrics.failed.inc()
                if item.span is not None:
                    item.span.record_exception(result)
                    item.span.set_status(Status(StatusCode.ERROR, str(result)))
            else:
                acked.append(item.row.id)
                self._metrics.published(item.row.topic, item.row.created_at, acked_at)
            if item.span is not None:
                item.span.end()
        if failures:
            raise PublishError(acked, failures)
        return acked


class OutboxPublisher:
    """Sends batches in order; their acknowledgements are awaited apart (`InFlight`)."""

    def __init__(self, producer: AIOKafkaProducer, metrics: RelayMetrics) -> None:
        self._producer = producer
        self._metrics = metrics
        self._tracer = trace.get_tracer("shop.outbox.relay")
        self._instrumented = kafka_instrumented()

    async def publish(self, rows: Sequence[OutboxRow]) -> list[uuid.UUID]:
        """Publish rows; return their ids once all are acked, else raise `PublishError`."""
        return await (await self.send(rows)).acked()

    async def send(self, rows: Sequence[OutboxRow]) -> InFlight:
        """Hand the rows to the producer, in order; a row that cannot be sent stops the batch."""
        traced = tracing_active()
        pending: list[_Pending] = []
        failures: list[BaseException] = []
        for row in rows:
            try:
                pending.append(await (self._send_traced(row) if traced else self._send(row)))
            except KafkaError as err:  # e.g. no metadata in time: later rows must wait
                failures.append(err)
                self._metrics.failed.inc()
                break
        return InFlight(pending, failures, self._metrics)

    async def _send(self, row: OutboxRow, extra: list[tuple[str, bytes]] | None = None) -> _Pending:
        event_id = str(row.id).encode()
        headers = [
            (ID_HEADER, event_id),
            (EVENT_ID_HEADER, event_id),
            (EVENT_TYPE_HEADER, row.type.encode()),
            *(extra or ()),
        ]
        delivery = await self._producer.send(
            row.topic, value=row.payload.encode(), key=row.aggregateid.encode(), headers=headers
        )
        return _Pending(row, None, delivery)

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
                sent = await self._send(row, extra)
        except BaseException as err:
            span.record_exception(err)
            span.set_status(Status(StatusCode.ERROR, str(err)))
            span.end()
            raise
        return _Pending(row, span, sent.delivery)
