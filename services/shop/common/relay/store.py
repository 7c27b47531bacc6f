"""Reading and deleting relayed rows of `<schema>.outbox` (asyncpg, no ORM on the hot path)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import asyncpg  # type: ignore[import-untyped]

from shop.common.outbox import require_schema_name


class OutboxRow(NamedTuple):
    """One event waiting to be published; `payload` is the envelope's JSON text (a tuple:
    built from each fetched record at the cost of a tuple)."""

    id: uuid.UUID
    aggregateid: str
    type: str
    topic: str
    payload: str
    tracingspancontext: str | None
    created_at: datetime


@dataclass(frozen=True)
class Backlog:
    rows: int
    oldest: datetime | None


class OutboxStore:
    """Batches in relay order (`created_at, id`: per-aggregate order) and their deletion."""

    def __init__(self, pool: asyncpg.Pool | asyncpg.Connection, schema: str) -> None:
        """`pool` may be one connection held for a while: no reset round trip per query."""
        self._pool = pool
        table = f"{require_schema_name(schema)}.outbox"
        columns = "id, aggregateid, type, topic, payload::text, tracingspancontext, created_at"
        order = "ORDER BY created_at, id LIMIT $1"
        self._select = f"SELECT {columns} FROM {table} {order}"
        after = "WHERE (created_at, id) > ($2, $3)"
        self._select_after = f"SELECT {columns} FROM {table} {after} {order}"
        self._delete = f"DELETE FROM {table} WHERE id = ANY($1::uuid[])"
        # One statement, one transaction: the CTE's delete and the read share a snapshot, in
        # which the deleted rows are still visible, hence `<> ALL`.
        self._delete_then_select = (
            f"WITH relayed AS ({self._delete.replace('$1', '$2')})"
            f" SELECT {columns} FROM {table} WHERE id <> ALL($2::uuid[]) {order}"
        )
        self._backlog = f"SELECT count(*) AS rows, min(created_at) AS oldest FROM {table}"

    async def next_batch(
        self, size: int, after: OutboxRow | None = None, relayed: Sequence[uuid.UUID] = ()
    ) -> list[OutboxRow]:
        """The oldest `size` rows (after the row `after`, when given: rows still in flight),
        deleting the acknowledged `relayed` rows first in the same statement (without `after`)."""
        if relayed:
            if after is not None:
                raise ValueError("relayed rows are deleted by a read from the oldest row only")
            records = await self._pool.fetch(self._delete_then_select, size, list(relayed))
        elif after is None:
            records = await self._pool.fetch(self._select, size)
        else:
            records = await self._pool.fetch(self._select_after, size, after.created_at, after.id)
        return [OutboxRow(*record) for record in records]

    async def delete(self, ids: Sequence[uuid.UUID]) -> None:
        """Remove rows the broker acknowledged (never before: that would lose events)."""
        if ids:
            await self._pool.execute(self._delete, list(ids))

    async def backlog(self) -> Backlog:
        record = await self._pool.fetchrow(self._backlog)
        if record is None:
            return Backlog(0, None)
        return Backlog(int(record["rows"]), record["oldest"])
