"""Writing a transaction's events to `<schema>.outbox`, as the context's outbox mode requires.

Mode `relay`: the rows stay until the built-in relay has published them (docs/adr/0002).
Mode `debezium`: the rows are deleted again in the same transaction; Debezium publishes the
inserts it reads from the WAL and skips the deletes, so the table stays empty. Only once the
connector's replication slot is ready, though: before that the WAL is not kept for it, and the
rows must stay for the connector's initial snapshot (docs/adr/0004).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, column, delete, exists, literal, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from shop.common.debezium import replication_names
from shop.common.events import Envelope
from shop.common.messaging_settings import OutboxMode
from shop.common.outbox import MessagingTables

_SLOTS = table("pg_replication_slots", column("slot_name"), column("confirmed_flush_lsn"))


async def write_outbox(
    session: AsyncSession,
    tables: MessagingTables,
    envelopes: Sequence[Envelope],
    traces: Sequence[str | None],
    *,
    topic_for: Callable[[str], str],
    mode: OutboxMode,
) -> None:
    """Insert one row per envelope, with its trace context, in the session's transaction."""
    if not envelopes:
        return
    outbox = tables.outbox
    rows = [
        outbox_row(envelope, topic_for(envelope.type), trace)
        for envelope, trace in zip(envelopes, traces, strict=True)
    ]
    await session.execute(tables.outbox_insert, rows)
    if mode is OutboxMode.DEBEZIUM:
        ids = [envelope.id for envelope in envelopes]
        await session.execute(delete(outbox).where(outbox.c.id.in_(ids), slot_ready(tables.schema)))


def outbox_row(envelope: Envelope, topic: str, trace: str | None) -> dict[str, Any]:
    """The outbox row of an envelope (the table shape Debezium's EventRouter reads)."""
    return {
        "id": envelope.id,
        "aggregatetype": envelope.aggregate_type,
        "aggregateid": envelope.aggregate_id,
        "type": envelope.type,
        "topic": topic,
        "payload": envelope.to_dict(),
        "tracingspancontext": trace,
    }


def slot_ready(schema: str) -> ColumnElement[bool]:
    """SQL: the schema's Debezium slot exists and is consistent, so the WAL keeps our inserts.

    A slot being created has no `confirmed_flush_lsn` until every transaction already running
    has ended, the asking one included: such a transaction keeps its rows for the snapshot.
    """
    return exists(
        select(literal(1))
        .select_from(_SLOTS)
        .where(
            _SLOTS.c.slot_name == replication_names(schema),
            _SLOTS.c.confirmed_flush_lsn.is_not(None),
        )
    )
