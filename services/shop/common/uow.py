"""Unit of work: one database transaction holding state changes and the events they raise.

At `commit()` the unit of work drains the events of every aggregate its repositories tracked
(plus any published explicitly) and inserts them into `<schema>.outbox` in the same
transaction, with the active trace context. Nothing is ever sent to Kafka from here (that
would be a dual write).

In outbox mode `debezium` the rows are deleted again in the same transaction, once Debezium
can read them from the WAL (`shop.common.outbox_write`, docs/adr/0004).

The transaction runs on one pooled connection, with no ORM session (docs/adr/0055): the
unit of work begins and commits it on the asyncpg connection (`connection`), where the inbox
and outbox statements run too, prebuilt; repositories run SQLAlchemy Core statements on
`session`, an `AsyncConnection` of the same connection that leaves the transaction to it.
"""

from __future__ import annotations

import contextlib
import functools
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from shop.common.aggregate import Aggregate, RecordedEvent
from shop.common.events import DomainEvent, Envelope
from shop.common.messaging_settings import OutboxMode
from shop.common.outages import connection_broken
from shop.common.outbox import MessagingTables
from shop.common.outbox_write import OutboxRows, write_outbox
from shop.common.trace_context import current_context_properties, tracing_active
from shop.common.uuid7 import uuid7_sequence
from shop.topology import topic_for_event

_Sealed = tuple[str, str, RecordedEvent, str | None]
"""An event taken for the commit: aggregate type and id, the event, its trace context."""

Engine = AsyncEngine | async_sessionmaker[AsyncSession]
"""Where a unit of work takes its connections: an engine, or a session factory bound to one."""


@dataclass(frozen=True)
class InboxEntry:
    """One consumed message as the inbox records it."""

    envelope: Envelope
    topic: str
    partition: int
    offset: int


class UnitOfWork:
    """`async with uow:` opens a connection and transaction; leaving without `commit()` rolls
    back. Contexts subclass it to attach repositories in `__aenter__` (cosmicpython style)."""

    def __init__(
        self,
        engine: Engine,
        tables: MessagingTables,
        *,
        source: str,
        topic_for: Callable[[str], str] = topic_for_event,
        outbox_mode: OutboxMode = OutboxMode.RELAY,
    ) -> None:
        """`outbox_mode`: the process's setting (`ContextProcessSettings.outbox_mode`)."""
        self._engine = engine
        self.tables = tables
        self.source = source
        self.outbox_mode = outbox_mode
        self._topic_for = topic_for
        self._session: AsyncConnection | None = None
        self._connection: asyncpg.Connection | None = None
        self._explicit: list[tuple[str, str, RecordedEvent]] = []
        self._tracked: list[Aggregate] = []
        self._sealed: list[_Sealed] = []

    @property
    def session(self) -> AsyncConnection:
        """SQLAlchemy Core statements run here, in the unit of work's transaction."""
        if self._session is None:
            raise RuntimeError("the unit of work is not open; use `async with uow:`")
        return self._session

    @property
    def connection(self) -> asyncpg.Connection:
        """The asyncpg connection of the same transaction (for prebuilt plain SQL)."""
        if self._connection is None:
            raise RuntimeError("the unit of work is not open; use `async with uow:`")
        return self._connection

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("a unit of work cannot be entered twice at once")
        try:
            self._session, self._connection = await self._begin()
        except Exception as err:
            if not connection_broken(err):
                raise
            # A pooled connection whose last statement broke it (a backend the database
            # terminated, not yet seen closed): nothing has happened yet, so take another.
            self._session, self._connection = await self._begin()
        return self

    async def _begin(self) -> tuple[AsyncConnection, asyncpg.Connection]:
        session = await _transaction_engine(_engine_of(self._engine)).connect()
        try:
            connection = (await session.get_raw_connection()).driver_connection
            if connection is None:
                raise RuntimeError("the pool handed out a closed connection")
            await connection.execute("BEGIN")
        except BaseException:
            await _discard(session)
            raise
        return session, connection

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._explicit.clear()
        self._tracked.clear()
        self._sealed.clear()
        await self._release()

    async def _release(self) -> None:
        """Roll back what is left open and give the connection back (or drop it)."""
        session, connection = self._session, self._connection
        self._session = self._connection = None
        if session is None or connection is None:
            return  # committed: released already
        try:
            if connection.is_in_transaction():
                await connection.execute("ROLLBACK")
        except Exception:  # the transaction dies with the connection: nothing is kept
            await _discard(session)  # a connection in an unknown state never goes back
            return
        except BaseException:  # cancelled while rolling back
            await _discard(session)
            raise
        if connection.is_closed():
            await _discard(session)
        else:
            await session.close()

    def track(self, aggregate: Aggregate) -> None:
        """Collect the events of an aggregate at commit (repositories track what they load
        and add)."""
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
        trace = current_context_properties() if tracing_active() else None
        self._sealed += [(*event, trace) for event in self._collect()]

    async def commit(self) -> list[Envelope]:
        """Write the collected events to the outbox and commit, atomically; the unit of
        work is then done (leaving its `async with` block is all that is left to do)."""
        self.seal()
        sealed, self._sealed = self._sealed, []
        envelopes = self._envelopes(sealed)
        traces = [trace for *_, trace in sealed]
        await self.write_last(OutboxRows.of(envelopes, traces, topic_for=self._topic_for))
        await self.connection.execute("COMMIT")
        await self._release()  # the unit of work is done: its statements now fail loudly
        return envelopes

    async def write_last(self, outbox: OutboxRows) -> None:
        """The transaction's last writes before `COMMIT`: its outbox rows. A context whose
        repositories hold a write back until the commit sends it here, with the rows in the
        same statement (`shop.common.outbox_write.outbox_insert`)."""
        await write_outbox(self.connection, self.tables, outbox, mode=self.outbox_mode)

    async def rollback(self) -> None:
        """Undo everything and give the connection back (the unit of work is done)."""
        self._explicit.clear()
        self._sealed.clear()
        await self._release()

    async def record_inbox(
        self, consumer_group: str, envelope: Envelope, *, topic: str, partition: int, offset: int
    ) -> bool:
        """Mark an event handled by a group; False if it already was (a duplicate to skip).

        A concurrent handler of the same event blocks on the primary key until this
        transaction ends, then sees the row: the effect is applied once.
        """
        status = await self.connection.execute(
            self.tables.inbox_insert,
            consumer_group,
            envelope.id,
            envelope.type,
            topic,
            partition,
            offset,
        )
        return bool(status.endswith(" 1"))

    async def record_inbox_many(
        self, consumer_group: str, entries: Sequence[InboxEntry]
    ) -> set[uuid.UUID]:
        """Mark several events handled by a group in one statement; the ids not handled
        before (each id at most once in `entries`)."""
        if not entries:
            return set()
        rows = await self.connection.fetch(
            self.tables.inbox_insert_many,
            consumer_group,
            [entry.envelope.id for entry in entries],
            [entry.envelope.type for entry in entries],
            [entry.topic for entry in entries],
            [entry.partition for entry in entries],
            [entry.offset for entry in entries],
        )
        return {row[0] for row in rows}

    def _collect(self) -> list[tuple[str, str, RecordedEvent]]:
        seen: set[int] = set()
        pending: list[tuple[str, str, RecordedEvent]] = []
        for obj in self._tracked:
            if id(obj) not in seen:
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


def _engine_of(engine: Engine) -> AsyncEngine:
    if isinstance(engine, AsyncEngine):
        return engine
    bind = engine.kw.get("bind")
    if not isinstance(bind, AsyncEngine):
        raise RuntimeError("the unit of work's session factory is bound to no engine")
    return bind


@functools.lru_cache(maxsize=64)
def _transaction_engine(engine: AsyncEngine) -> AsyncEngine:
    """`engine`'s pool, with SQLAlchemy leaving transactions alone: the unit of work begins
    and ends them on the asyncpg connection (one `BEGIN` and one `COMMIT` round trip)."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


async def _discard(session: AsyncConnection) -> None:
    """Drop a connection from the pool instead of returning it (its state is unknown)."""
    with contextlib.suppress(Exception):
        await session.invalidate()
    with contextlib.suppress(Exception):
        await session.close()
