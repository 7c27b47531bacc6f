"""The outbox and inbox tables of one context's schema: SQLAlchemy Core tables and their DDL.

Table shapes are fixed by the architecture (Debezium's EventRouter reads the outbox as is).
`created_at` defaults to `clock_timestamp()` (the moment of the insert, not the transaction's
start) so that relaying in `(created_at, id)` order keeps each aggregate's order.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")


def require_schema_name(schema: str) -> str:
    """Return `schema` if it is a plain lowercase SQL identifier (safe to put into DDL)."""
    if not _SCHEMA.match(schema):
        raise ValueError(f"schema {schema!r} must be a lowercase SQL identifier (a-z, 0-9, _)")
    return schema


def notify_channel(schema: str) -> str:
    """The LISTEN/NOTIFY channel the outbox trigger signals on every insert."""
    return f"{require_schema_name(schema)}_outbox"


@dataclass(frozen=True)
class MessagingTables:
    """The outbox and inbox of one schema (build once per process with `messaging_tables`),
    and the SQL every transaction runs on them: plain asyncpg statements (prepared once per
    connection by asyncpg's statement cache), so the messaging runtime's own statements cost
    no SQLAlchemy statement building, compilation or execution context per message."""

    schema: str
    outbox: Table
    inbox: Table

    @functools.cached_property
    def inbox_insert(self) -> str:
        """`$1` group, `$2` event id, `$3` type, `$4` topic, `$5` partition, `$6` offset:
        inserts nothing (status `INSERT 0 0`) for an event the group already handled."""
        return (
            f"INSERT INTO {self.schema}.inbox ({_INBOX_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
            " ON CONFLICT (consumer_group, event_id) DO NOTHING"
        )

    @functools.cached_property
    def inbox_insert_many(self) -> str:
        """One statement for a batch: `$1` group, then arrays of event id, type, topic,
        partition and offset; returns the event ids it inserted (the others were handled)."""
        return (
            f"INSERT INTO {self.schema}.inbox ({_INBOX_COLUMNS})"
            " SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::bigint[])"
            " ON CONFLICT (consumer_group, event_id) DO NOTHING RETURNING event_id"
        )

    @functools.cached_property
    def outbox_insert(self) -> str:
        """One statement for any number of rows (arrays of the columns): one NOTIFY."""
        return (
            f"INSERT INTO {self.schema}.outbox ({_OUTBOX_COLUMNS})"
            " SELECT i, a, k, t, p, d::jsonb, c FROM unnest($1::uuid[], $2::text[], $3::text[],"
            " $4::text[], $5::text[], $6::text[], $7::text[]) AS u(i, a, k, t, p, d, c)"
        )

    @functools.cached_property
    def outbox_delete_if_slot_ready(self) -> str:
        """Outbox mode `debezium`: `$1` the ids just inserted, deleted once the schema's
        replication slot `$2` is consistent (see `shop.common.outbox_write`)."""
        return (
            f"DELETE FROM {self.schema}.outbox WHERE id = ANY($1::uuid[]) AND EXISTS"
            " (SELECT 1 FROM pg_replication_slots"
            " WHERE slot_name = $2 AND confirmed_flush_lsn IS NOT NULL)"
        )


_INBOX_COLUMNS = 'consumer_group, event_id, event_type, topic, partition, "offset"'
_OUTBOX_COLUMNS = "id, aggregatetype, aggregateid, type, topic, payload, tracingspancontext"


def messaging_tables(schema: str, metadata: MetaData | None = None) -> MessagingTables:
    """Core `Table`s of `<schema>.outbox` and `<schema>.inbox` (in `metadata` if given)."""
    require_schema_name(schema)
    metadata = metadata if metadata is not None else MetaData()
    outbox = Table(
        "outbox",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("aggregatetype", Text, nullable=False),
        Column("aggregateid", Text, nullable=False),
        Column("type", Text, nullable=False),
        Column("topic", Text, nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("tracingspancontext", Text),
        Column(
            "created_at",
            DateTime(timezone=True),
            nullable=False,
            server_default=text("clock_timestamp()"),
        ),
        Index("outbox_relay_order_idx", "created_at", "id"),
        schema=schema,
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer_group", Text, nullable=False),
        Column("event_id", Uuid, nullable=False),
        Column("event_type", Text, nullable=False),
        Column("topic", Text, nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
        Column("handled_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
        PrimaryKeyConstraint("consumer_group", "event_id"),
        Index("inbox_handled_at_idx", "handled_at"),
        schema=schema,
    )
    return MessagingTables(schema, outbox, inbox)


def create_messaging_sql(schema: str) -> list[str]:
    """DDL creating the outbox (with its NOTIFY trigger) and the inbox in an existing schema."""
    s = require_schema_name(schema)
    return [
        f"""CREATE TABLE {s}.outbox (
            id uuid PRIMARY KEY,
            aggregatetype text NOT NULL,
            aggregateid text NOT NULL,
            type text NOT NULL,
            topic text NOT NULL,
            payload jsonb NOT NULL,
            tracingspancontext text,
            created_at timestamptz NOT NULL DEFAULT clock_timestamp())""",
        f"CREATE INDEX outbox_relay_order_idx ON {s}.outbox (created_at, id)",
        f"""CREATE TABLE {s}.inbox (
            consumer_group text NOT NULL,
            event_id uuid NOT NULL,
            event_type text NOT NULL,
            topic text NOT NULL,
            partition integer NOT NULL,
            "offset" bigint NOT NULL,
            handled_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (consumer_group, event_id))""",
        f"CREATE INDEX inbox_handled_at_idx ON {s}.inbox (handled_at)",
        # One notification per inserting statement; NOTIFY also folds repeats per transaction.
        f"""CREATE FUNCTION {s}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('{notify_channel(s)}', ''); RETURN NULL; END $$""",
        f"""CREATE TRIGGER outbox_notify AFTER INSERT ON {s}.outbox
            FOR EACH STATEMENT EXECUTE FUNCTION {s}.outbox_notify()""",
    ]


def drop_messaging_sql(schema: str) -> list[str]:
    """DDL undoing `create_messaging_sql`."""
    s = require_schema_name(schema)
    return [
        f"DROP TABLE IF EXISTS {s}.inbox",
        f"DROP TABLE IF EXISTS {s}.outbox",
        f"DROP FUNCTION IF EXISTS {s}.outbox_notify()",
    ]
