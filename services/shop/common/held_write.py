"""A repository's last write of a transaction, held back so that the commit can send it with
the transaction's outbox rows in one statement (docs/adr/0061).

A repository that holds its writes gives each one as `HeldStatements` (the write alone, and the
write with the outbox insert as one more CTE) and keeps a `HeldWrite` on the unit of work's
connection; the unit of work's `write_last` sends it (`ContextUnitOfWork.held_write`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import Table
from sqlalchemy.sql.dml import Insert, Update

from shop.common.outbox_write import OutboxRows, outbox_insert
from shop.common.plain_sql import PlainSql


@dataclass(frozen=True)
class HeldStatements:
    """One write, alone and with the transaction's outbox rows (a CTE more)."""

    alone: PlainSql
    with_outbox: PlainSql

    @classmethod
    def of(cls, write: Insert | Update, outbox: Table) -> HeldStatements:
        """`write` as it is, and carrying the insert into `outbox` (its parameters named as
        `OutboxRows.parameters` gives them)."""
        outboxed = outbox_insert(outbox).cte("outboxed")
        return cls(PlainSql(write), PlainSql(write.add_cte(outboxed)))


_NO_OUTBOX = OutboxRows([], [], [], [], [], [], [])


class HeldWrite:
    """At most one write held back on a connection; any statement the repository sends after
    it must first `send` it, so the transaction sees its own writes in order."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
        self._held: tuple[HeldStatements, dict[str, Any]] | None = None

    async def hold(self, statements: HeldStatements, parameters: dict[str, Any]) -> None:
        """Send the write held before (alone), then hold this one."""
        await self.send()
        self._held = (statements, parameters)

    async def send(self) -> None:
        """Send the held write alone, if there is one: a statement follows it."""
        await self.send_with(_NO_OUTBOX)

    async def send_with(self, outbox: OutboxRows) -> bool:
        """Send the held write, with `outbox`'s rows in the same statement; False if no write
        was held (the rows are then not written: the caller inserts them)."""
        held, self._held = self._held, None
        if held is None:
            return False
        statements, parameters = held
        if outbox:
            await statements.with_outbox.execute(
                self._connection, {**parameters, **outbox.parameters()}
            )
        else:
            await statements.alone.execute(self._connection, parameters)
        return True
