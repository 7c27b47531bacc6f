"""Writing a transaction's events to `<schema>.outbox`, as the context's outbox mode requires.

Mode `relay`: the rows stay until the built-in relay has published them (docs/adr/0002).
Mode `debezium`: the rows are deleted again in the same transaction; Debezium publishes the
inserts it reads from the WAL and skips the deletes, so the table stays empty. Only once the
connector's replication slot is ready, though: before that the WAL is not kept for it, and the
rows must stay for the connector's initial snapshot (docs/adr/0004).

Every row of a transaction goes in one statement (arrays of the columns), on the unit of
work's asyncpg connection: one round trip and one NOTIFY for the relay however many events.
A context may send that insert inside its own last write of the transaction instead, as a
data-modifying CTE (`outbox_insert`, `OutboxRows.parameters`: one round trip for both).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import ARRAY, Table, Text, Uuid, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.dml import Insert

from shop.common.debezium import replication_names
from shop.common.events import Envelope
from shop.common.messaging_settings import OutboxMode
from shop.common.outbox import MessagingTables


@dataclass(frozen=True)
class OutboxRows:
    """A transaction's outbox rows as one array per column (in `tables.outbox_insert`'s
    order), each envelope with its trace context."""

    ids: list[uuid.UUID]
    aggregate_types: list[str]
    aggregate_ids: list[str]
    types: list[str]
    topics: list[str]
    payloads: list[str]
    traces: list[str | None]

    @classmethod
    def of(
        cls,
        envelopes: Sequence[Envelope],
        traces: Sequence[str | None],
        *,
        topic_for: Callable[[str], str],
    ) -> OutboxRows:
        return cls(
            [envelope.id for envelope in envelopes],
            [envelope.aggregate_type for envelope in envelopes],
            [envelope.aggregate_id for envelope in envelopes],
            [envelope.type for envelope in envelopes],
            [topic_for(envelope.type) for envelope in envelopes],
            [envelope.to_json().decode() for envelope in envelopes],
            list(traces),
        )

    def __bool__(self) -> bool:
        return bool(self.ids)

    def parameters(self) -> dict[str, list[Any]]:
        """The arrays by the names `outbox_insert`'s parameters have (`outbox_<field>`)."""
        return {f"outbox_{field.name}": getattr(self, field.name) for field in fields(self)}


def outbox_insert(outbox: Table) -> Insert:
    """The outbox insert as a Core statement, its parameters named as `OutboxRows.parameters`
    gives them: for a context's statement to carry as a CTE (its triggers fire as for the
    plain insert)."""

    def column(name: str, type_: Any) -> Any:
        return func.unnest(bindparam(f"outbox_{name}", type_=ARRAY(type_)))

    return outbox.insert().from_select(
        ["id", "aggregatetype", "aggregateid", "type", "topic", "payload", "tracingspancontext"],
        select(
            column("ids", Uuid),
            column("aggregate_types", Text),
            column("aggregate_ids", Text),
            column("types", Text),
            column("topics", Text),
            cast(column("payloads", Text), JSONB),
            column("traces", Text),
        ),
    )


async def write_outbox(
    connection: asyncpg.Connection, tables: MessagingTables, rows: OutboxRows, *, mode: OutboxMode
) -> None:
    """Insert the rows in the connection's transaction (none: no statement)."""
    if not rows:
        return
    await connection.execute(
        tables.outbox_insert,
        rows.ids,
        rows.aggregate_types,
        rows.aggregate_ids,
        rows.types,
        rows.topics,
        rows.payloads,
        rows.traces,
    )
    await outbox_written(connection, tables, rows, mode=mode)


async def outbox_written(
    connection: asyncpg.Connection, tables: MessagingTables, rows: OutboxRows, *, mode: OutboxMode
) -> None:
    """What follows the rows' insert (however it was sent): in mode `debezium`, their delete
    once the replication slot is ready; nothing in mode `relay`."""
    if rows and mode is OutboxMode.DEBEZIUM:
        slot = replication_names(tables.schema)
        await connection.execute(tables.outbox_delete_if_slot_ready, rows.ids, slot)
