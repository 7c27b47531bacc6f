"""Writing a transaction's events to `<schema>.outbox`, as the context's outbox mode requires.

Mode `relay`: the rows stay until the built-in relay has published them (docs/adr/0002).
Mode `debezium`: the rows are deleted again in the same transaction; Debezium publishes the
inserts it reads from the WAL and skips the deletes, so the table stays empty. Only once the
connector's replication slot is ready, though: before that the WAL is not kept for it, and the
rows must stay for the connector's initial snapshot (docs/adr/0004).

Every row of a transaction goes in one statement (arrays of the columns), on the unit of
work's asyncpg connection: one round trip and one NOTIFY for the relay however many events.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import asyncpg  # type: ignore[import-untyped]

from shop.common.debezium import replication_names
from shop.common.events import Envelope
from shop.common.messaging_settings import OutboxMode
from shop.common.outbox import MessagingTables


async def write_outbox(
    connection: asyncpg.Connection,
    tables: MessagingTables,
    envelopes: Sequence[Envelope],
    traces: Sequence[str | None],
    *,
    topic_for: Callable[[str], str],
    mode: OutboxMode,
) -> None:
    """Insert one row per envelope, with its trace context, in the connection's transaction."""
    if not envelopes:
        return
    ids = [envelope.id for envelope in envelopes]
    await connection.execute(
        tables.outbox_insert,
        ids,
        [envelope.aggregate_type for envelope in envelopes],
        [envelope.aggregate_id for envelope in envelopes],
        [envelope.type for envelope in envelopes],
        [topic_for(envelope.type) for envelope in envelopes],
        [envelope.to_json().decode() for envelope in envelopes],
        list(traces),
    )
    if mode is OutboxMode.DEBEZIUM:
        slot = replication_names(tables.schema)
        await connection.execute(tables.outbox_delete_if_slot_ready, ids, slot)
