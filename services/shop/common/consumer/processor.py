"""Handling one Kafka message: decode, inbox, handler, commit; retry, or dead-letter.

The handler runs inside a unit of work that first records `(group, event id)` in the inbox:
the inbox row, the handler's state changes and its outbox rows commit together, so a message
delivered twice changes state once.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import random
import time
from collections.abc import Callable, Iterator
from typing import Generic

import asyncpg  # type: ignore[import-untyped]
from aiokafka import AIOKafkaProducer, ConsumerRecord
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from sqlalchemy.exc import InterfaceError, OperationalError

from shop.common.consumer.dlq import dead_letter_headers
from shop.common.consumer.metrics import ConsumerMetrics
from shop.common.consumer.options import ConsumerOptions
from shop.common.consumer.routing import (
    EventHandlers,
    PermanentError,
    PoisonMessageError,
    Route,
    U,
    route_for,
)
from shop.common.events import Envelope, EnvelopeError
from shop.common.headers import EVENT_TYPE_HEADER
from shop.common.outages import DATABASE_OUTAGES, SOCKET_GONE, exception_chain
from shop.common.trace_context import context_from_headers, tracing_active
from shop.topology import dlq_topic_name

logger = logging.getLogger(__name__)
Read = tuple[Envelope, Route[U] | None] | None
"""A message read: its envelope and its route (None: the group ignores its type); None
alone: ignored by its `event-type` header, unread."""

# Infrastructure errors: retried until they pass (or shutdown), so an outage never floods the DLQ.
# SQLAlchemy's for the repositories' statements; asyncpg's (the APIs' database outages, and a
# closed connection) for the unit of work's own. A missing socket file: PostgreSQL reached over
# its Unix socket (the local stack) has stopped; a handler opens no files.
UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    ConnectionRefusedError,
    ConnectionResetError,
    *SOCKET_GONE,
    *DATABASE_OUTAGES,
    asyncpg.InterfaceError,
)

CONFLICTS = frozenset({"40P01", "40001"})
"""SQLSTATEs of a transaction PostgreSQL rolled back for a concurrent one's sake: a deadlock
(`deadlock_detected`) or `serialization_failure`. Neither is the message's fault: applied
again, it passes (the other transaction went on), so it is retried at once, never
dead-lettered, and without the backoff of a failing handler."""
CONFLICT_PAUSE_SECONDS = 0.02
"""Longest (random) pause before applying again after a conflict, so that two transactions
that conflicted do not start again in step."""


def conflicted(err: BaseException) -> bool:
    """Whether `err` (or what it wraps) is a conflict with a concurrent transaction."""
    return any(getattr(link, "sqlstate", None) in CONFLICTS for link in exception_chain(err))


async def pause_after_conflict() -> None:
    """A short random pause before a transaction that conflicted is applied again."""
    await asyncio.sleep(random.uniform(0, CONFLICT_PAUSE_SECONDS))


class Outcome(enum.Enum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DEAD_LETTERED = "dead_lettered"


class ShutdownError(Exception):
    """Stop was requested while waiting to retry: the message stays uncommitted."""


class MessageProcessor(Generic[U]):
    """Applies one consumer group's handlers to single messages."""

    def __init__(
        self,
        *,
        group: str,
        handlers: EventHandlers[U],
        uow_factory: Callable[[], U],
        dlq_producer: AIOKafkaProducer,
        metrics: ConsumerMetrics,
        options: ConsumerOptions,
        stop: asyncio.Event,
    ) -> None:
        self.group = group
        self._handlers = handlers
        self._routed = frozenset(event_type.encode() for event_type in handlers)
        self._uow_factory = uow_factory
        self._dlq = dlq_producer
        self._metrics = metrics
        self._options = options
        self._stop = stop
        self._tracer = trace.get_tracer("shop.consumer")

    @contextlib.contextmanager
    def span(self, record: ConsumerRecord) -> Iterator[trace.Span]:
        """The CONSUMER span of one message, child of its publish span (docs/adr/0001); a
        non-recording one, built from nothing, when no spans are recorded."""
        if not tracing_active():
            yield trace.INVALID_SPAN
            return
        with self._tracer.start_as_current_span(
            f"{record.topic} process",
            context=context_from_headers(record.headers),
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "process",
                "messaging.destination.name": record.topic,
                "messaging.consumer.group.name": self.group,
                "messaging.destination.partition.id": str(record.partition),
                "messaging.kafka.offset": record.offset,
            },
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            yield span

    def observe(self, record: ConsumerRecord, outcome: Outcome, seconds: float) -> None:
        self._metrics.messages.labels(self.group, record.topic, outcome.value).inc()
        self._metrics.handling.labels(self.group, record.topic).observe(seconds)

    def count_failure(self, record: ConsumerRecord, error: BaseException) -> None:
        """One more attempt at `record` that raised `error`."""
        self._metrics.failures.labels(self.group, record.topic, type(error).__name__).inc()

    def read(self, record: ConsumerRecord) -> Read[U]:
        """The envelope and its route (None: not handled here); `PoisonMessageError` if the
        message cannot be read or its version is not handled.

        None, unread, for a message whose `event-type` header (both relays write it) names a
        type the group does not route: it is not this group's to parse, judge or record."""
        if self._unrouted(record):
            return None
        try:
            envelope = Envelope.from_json(record.value)
            return envelope, route_for(self._handlers, envelope)
        except (EnvelopeError, PoisonMessageError) as err:
            raise PoisonMessageError(str(err)) from None

    def _unrouted(self, record: ConsumerRecord) -> bool:
        for name, value in record.headers:
            if name == EVENT_TYPE_HEADER:
                return value not in self._routed
        return False

    @staticmethod
    def annotate(span: trace.Span, envelope: Envelope, route: Route[U] | None) -> None:
        """What the span of a readable message says about it."""
        if span.is_recording():
            span.set_attribute("messaging.message.id", str(envelope.id))
            if route is not None:
                span.set_attribute("shop.event.type", envelope.type)

    async def apply_in(self, read: Read[U], uow: U, span: trace.Span, *, fresh: bool) -> Outcome:
        """Apply a readable message in a transaction shared with others, whose inbox rows
        the batch recorded already (`fresh`: this message's row was new), sealing its events
        under its span. Raises what the handler raises."""
        if read is None:
            return Outcome.IGNORED
        envelope, route = read
        self.annotate(span, envelope, route)
        if route is None:
            return Outcome.IGNORED
        if not fresh:
            return Outcome.DUPLICATE
        await route.handler(envelope, uow)
        uow.seal()
        return Outcome.HANDLED

    async def process(self, record: ConsumerRecord) -> Outcome:
        """Handle a message to the end (never raises for a bad message; see ShutdownError)."""
        started = time.perf_counter()
        with self.span(record) as span:
            outcome = await self._process(record, span)
            span.set_attribute("shop.consumer.outcome", outcome.value)
        self.observe(record, outcome, time.perf_counter() - started)
        return outcome

    async def _record_inbox(self, uow: U, envelope: Envelope, record: ConsumerRecord) -> bool:
        return await uow.record_inbox(
            self.group,
            envelope,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
        )

    async def _process(self, record: ConsumerRecord, span: trace.Span) -> Outcome:
        try:
            read = self.read(record)
        except PoisonMessageError as err:
            return await self._dead_letter(record, err, 1, span)
        if read is None:
            return Outcome.IGNORED
        envelope, route = read
        self.annotate(span, envelope, route)
        if route is None:
            return Outcome.IGNORED
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._uow_factory() as uow:
                    if not await self._record_inbox(uow, envelope, record):
                        return Outcome.DUPLICATE
                    await route.handler(envelope, uow)
                    await uow.commit()
                return Outcome.HANDLED
            except PermanentError as err:
                return await self._dead_letter(record, err, attempt, span)
            except UNAVAILABLE as err:  # the database, not the message: wait, never dead-letter
                attempt -= 1
                delay = self._options.backoff_max_seconds
                logger.warning(
                    "database unavailable while handling %s, retrying in %.1fs: %r",
                    envelope.type,
                    delay,
                    err,
                )
                await self._backoff(delay)
            except Exception as err:  # transient until proven otherwise: retry, bounded
                self.count_failure(record, err)
                span.add_event("attempt failed", {"attempt": attempt, "error": repr(err)})
                if conflicted(err):  # a concurrent transaction's doing: again, at once
                    attempt -= 1
                    logger.info("%s conflicted (%r), applying it again", envelope.type, err)
                    await pause_after_conflict()
                    continue
                if attempt >= self._options.max_attempts:
                    return await self._dead_letter(record, err, attempt, span)
                delay = self._options.backoff(attempt)
                logger.warning(
                    "%s at %s/%d@%d failed (attempt %d), retrying in %.2fs: %r",
                    envelope.type,
                    record.topic,
                    record.partition,
                    record.offset,
                    attempt,
                    delay,
                    err,
                )
                await self._backoff(delay)

    async def _backoff(self, delay: float) -> None:
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=delay)
        except TimeoutError:
            return
        raise ShutdownError("stopping during a retry backoff")

    async def _dead_letter(
        self, record: ConsumerRecord, error: BaseException, attempts: int, span: trace.Span
    ) -> Outcome:
        topic = dlq_topic_name(record.topic, self.group)
        logger.error(
            "dead-lettering %s/%d@%d to %s after %d attempt(s): %s: %s",
            record.topic,
            record.partition,
            record.offset,
            topic,
            attempts,
            type(error).__name__,
            error,
        )
        span.record_exception(error)
        span.set_status(Status(StatusCode.ERROR, f"dead-lettered: {type(error).__name__}"))
        await self._dlq.send_and_wait(
            topic,
            value=record.value,
            key=record.key,
            headers=dead_letter_headers(record, group=self.group, error=error, attempts=attempts),
        )
        self._metrics.dead_lettered.labels(self.group, record.topic).inc()
        return Outcome.DEAD_LETTERED
