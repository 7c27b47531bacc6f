"""Unit of work: one database transaction holding state changes and the events they raise.

At `commit()` the unit of work drains the events of every aggregate the session knows (plus any
published explicitly) and inserts them into `<schema>.outbox` in the same transaction, with the
active trace context. Nothing is ever sent to Kafka from here (that would be a dual write).

In outbox mode `debezium` the rows are deleted again in the same transaction, once Debezium
can read them from the WAL (`shop.common.outbox_write`, docs/adr/0004).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop.common.aggregate import Aggregate, RecordedEvent
from shop.common.events import DomainEvent, Envelope
from shop.common.messaging_settings import OutboxMode
from shop.common.outbox import MessagingTables
from shop.common.outbox_write import write_outbox
from shop.common.trace_context import current_context_properties
from shop.common.uuid7 import uuid7_sequence
from shop.topology import topic_for_event

_Sealed = tuple[str, str, RecordedEvent, str | None]
"""An event taken for the commit: aggregate type and id, the event, its trace context."""


class UnitOfWork:
    """`async with uow:` opens a session and transaction; leaving without `commit()` rolls back.

    Contexts subclass it to attach repositories in `__aenter__` (cosmicpython style).
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        *,
        source: str,
        topic_for: Callable[[str], str] = topic_for_event,
        outbox_mode: OutboxMode = OutboxMode.RELAY,
    ) -> None:
        """`outbox_mode`: the process's setting (`ContextProcessSettings.outbox_mode`)."""
        self._session_factory = session_factory
        self.tables = tables
        self.source = source
        self.outbox_mode = outbox_mode
        self._topic_for = topic_for
        self._session: AsyncSession | None = None
        self._explicit: list[tuple[str, str, RecordedEvent]] = []
        self._tracked: list[Aggregate] = []
        self._sealed: list[_Sealed] = []

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is not open; use `async with uow:`")
        return self._session

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("a unit of work cannot be entered twice at once")
        self._session = self._session_factory()
        await self._session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        try:
            if session.in_transaction():
                await session.rollback()
        finally:
            await session.close()
            self._explicit.clear()
            self._tracked.clear()
            self._sealed.clear()

    def track(self, aggregate: Aggregate) -> None:
        """Collect the events of an aggregate the session does not hold (rarely needed)."""
        self._tracked.append(aggregate)

    def publish(self, event: DomainEvent, *, aggregate_type: str, aggregate_id: str) -> None:
        """Write an event not raised by a loaded aggregate (e.g. a saga command)."""
        recorded = RecordedEvent(event, datetime.now(UTC))
        self._explicit.append((aggregate_type, str(aggregate_id), recorded))

    def seal(self) -> None:
        """Take the events raised so far, with the active trace context, for the commit.

        A consumer handling several messages in one transaction seals after each, inside that
        message's span, so that each outbox row continues the trace of the message that caused it.
        """
        trace = current_context_properties()
        self._sealed += [(*event, trace) for event in self._collect()]

    async def commit(self) -> list[Envelope]:
        """Flush state, write the collected events to the outbox and commit, atomically."""
        session = self.session
        await session.flush()
        self.seal()
        sealed, self._sealed = self._sealed, []
        envelopes = self._envelopes(sealed)
        traces = [trace for *_, trace in sealed]
        await write_outbox(
            session,
            self.tables,
            envelopes,
            traces,
            topic_for=self._topic_for,
            mode=self.outbox_mode,
        )
        await session.commit()
        return envelopes

    async def rollback(self) -> None:
        await self.session.rollback()
        self._explicit.clear()
        self._sealed.clear()

    async def record_inbox(
        self, consumer_group: str, envelope: Envelope, *, topic: str, partition: int, offset: int
    ) -> bool:
        """Mark an event handled by a group; False if it already was (a duplicate to skip).

        A concurrent handler of the same event blocks on the primary key until this
        transaction ends, then sees the row: the effect is applied once.
        """
        row = {
            "consumer_group": consumer_group,
            "event_id": envelope.id,
            "event_type": envelope.type,
            "topic": topic,
            "partition": partition,
            "offset": offset,
        }
        result = await self.session.execute(self.tables.inbox_insert, row)
        return bool(getattr(result, "rowcount", 0))

    def _collect(self) -> list[tuple[str, str, RecordedEvent]]:
        session = self.session
        candidates: list[Any] = [*session.new, *session.identity_map.values(), *self._tracked]
        seen: set[int] = set()
        pending: list[tuple[str, str, RecordedEvent]] = []
        for obj in candidates:
            if isinstance(obj, Aggregate) and id(obj) not in seen:
                seen.add(id(obj))
                pending += [
                    (obj.aggregate_type, obj.aggregate_id, recorded)
                    for recorded in obj.drain_events()
                ]
        pending += self._explicit
        self._explicit = []
        pending.sort(key=lambda item: item[2].occurred_at)
        return pending

    def _envelopes(self, pending: list[_Sealed]) -> list[Envelope]:
        if not pending:
            return []
        ids = uuid7_sequence(len(pending))  # one sequence: ids follow the order events were sealed
        return [
            Envelope.wrap(
                recorded.event,
                source=self.source,
                aggregate_type=aggregate_type,
                aggregate_id=aggregate_id,
                occurred_at=recorded.occurred_at,
                event_id=event_id,
            )
            for event_id, (aggregate_type, aggregate_id, recorded, _) in zip(
                ids, pending, strict=True
            )
        ]
