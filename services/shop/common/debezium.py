"""Debezium relay: the Kafka Connect configuration that publishes one schema's outbox.

The messages it produces are interchangeable with the built-in relay's (`shop.common.relay`):
topic from the row's `topic` column, key = aggregate id (string), value = the envelope JSON as
stored in `payload`, and the same header names (`id`, `event-id`, `event-type` and, when the
Connect worker runs with OpenTelemetry, `traceparent`/`tracestate` continuing the trace stored
in `tracingspancontext`).
"""

from __future__ import annotations

import re

from shop.common.headers import EVENT_ID_HEADER, EVENT_TYPE_HEADER

POSTGRES_CONNECTOR_CLASS = "io.debezium.connector.postgresql.PostgresConnector"
EVENT_ROUTER_CLASS = "io.debezium.transforms.outbox.EventRouter"

# Strimzi's KafkaConnector takes these from `spec.class` / `spec.tasksMax` and the resource name,
# so an operator building a CR moves them out of `spec.config`.
STRIMZI_SPEC_KEYS = ("name", "connector.class", "tasks.max")

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
_CONNECTOR_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_TOPIC_PREFIX = re.compile(r"^[A-Za-z0-9._-]+$")


def default_connector_name(schema: str) -> str:
    """`<schema>-outbox`, with underscores turned into dashes (a valid Kubernetes name)."""
    _require_identifier(schema)
    return f"{schema.replace('_', '-')}-outbox"


def replication_names(schema: str) -> str:
    """Name of the dedicated replication slot and publication of one schema's outbox."""
    _require_identifier(schema)
    return f"shopkeeper_{schema}_outbox"


def outbox_connector_config(
    *,
    schema: str,
    database_host: str,
    database_port: int,
    database_name: str,
    database_user: str,
    database_password: str,
    connector_name: str | None = None,
    topic_prefix: str = "shopkeeper",
    poll_interval_ms: int = 10,
    max_batch_size: int = 2048,
    max_queue_size: int = 8192,
    producer_linger_ms: int | None = 0,
) -> dict[str, str]:
    """Kafka Connect configuration of the Debezium connector relaying `<schema>.outbox`.

    Pure: validates its input and returns string properties, ready for the Connect REST API
    (`PUT /connectors/<name>/config`) or, without `STRIMZI_SPEC_KEYS`, a KafkaConnector's config.
    `database_password` is passed through as is, so it may be a config-provider reference
    such as `${secrets:namespace/secret:password}`.

    Latency: Debezium sleeps `poll_interval_ms` whenever it finds no new change, both while
    reading the replication stream and while handing batches to Connect; its default (500 ms)
    is what made it ~40 times slower than the built-in relay (bench/outbox.py). `max_batch_size`
    and `max_queue_size` bound the records per poll and in flight. `producer_linger_ms`
    overrides the Connect producer's `linger.ms` (5 ms by default since Kafka 4.0), which needs
    a worker allowing client overrides (`connector.client.config.override.policy`, `All` by
    default since Kafka 3.0, and in Strimzi); pass None on a worker that forbids them.
    """
    _require_identifier(schema)
    name = connector_name if connector_name is not None else default_connector_name(schema)
    if not _CONNECTOR_NAME.match(name) or len(name) > 253:
        raise ValueError(f"connector name {name!r} must be a lowercase DNS-1123 name")
    if not database_host.strip():
        raise ValueError("database_host must not be empty")
    if isinstance(database_port, bool) or not 1 <= database_port <= 65535:
        raise ValueError(f"database_port {database_port!r} is not a TCP port")
    if not database_name.strip() or not database_user.strip():
        raise ValueError("database_name and database_user must not be empty")
    if not _TOPIC_PREFIX.match(topic_prefix):
        raise ValueError(f"topic_prefix {topic_prefix!r} may hold only letters, digits, . _ -")
    _require_tuning(poll_interval_ms, max_batch_size, max_queue_size, producer_linger_ms)
    replication = replication_names(schema)
    router = "transforms.outbox."
    overrides = (
        {}
        if producer_linger_ms is None
        else {"producer.override.linger.ms": str(producer_linger_ms)}
    )
    return {
        "name": name,
        "connector.class": POSTGRES_CONNECTOR_CLASS,
        "tasks.max": "1",
        "database.hostname": database_host,
        "database.port": str(database_port),
        "database.dbname": database_name,
        "database.user": database_user,
        "database.password": database_password,
        # Unique per connector: it names the heartbeat topic and the connector's JMX metrics.
        "topic.prefix": f"{topic_prefix}.{schema}",
        "plugin.name": "pgoutput",
        "slot.name": replication,
        "publication.name": replication,
        "publication.autocreate.mode": "filtered",
        "schema.include.list": schema,
        "table.include.list": f"{schema}.outbox",
        # Rows still in the table when the slot is first created are published too (at least
        # once; consumers deduplicate through their inbox).
        "snapshot.mode": "initial",
        # Only inserts are events; deleting relayed rows must not reach Kafka.
        "skipped.operations": "u,d,t",
        "tombstones.on.delete": "false",
        # Lets the slot confirm WAL written by other schemas of a shared server.
        "heartbeat.interval.ms": "10000",
        "poll.interval.ms": str(poll_interval_ms),
        "max.batch.size": str(max_batch_size),
        "max.queue.size": str(max_queue_size),
        **overrides,
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
        "header.converter": "org.apache.kafka.connect.storage.SimpleHeaderConverter",
        # No `__debezium.context.*` headers: consumers see exactly the built-in relay's headers.
        "extended.headers.enabled": "false",
        "transforms": "outbox",
        f"{router}type": EVENT_ROUTER_CLASS,
        f"{router}table.field.event.id": "id",
        f"{router}table.field.event.key": "aggregateid",
        f"{router}table.field.event.payload": "payload",
        f"{router}route.by.field": "topic",
        f"{router}route.topic.replacement": "${routedByValue}",
        f"{router}table.expand.json.payload": "true",
        f"{router}table.fields.additional.placement": (
            f"id:header:{EVENT_ID_HEADER},type:header:{EVENT_TYPE_HEADER}"  # the relay's order
        ),
        f"{router}tracing.span.context.field": "tracingspancontext",
        f"{router}tracing.with.context.field.only": "true",
    }


def _require_tuning(
    poll_interval_ms: int, max_batch_size: int, max_queue_size: int, linger_ms: int | None
) -> None:
    if poll_interval_ms < 1:
        raise ValueError(f"poll_interval_ms {poll_interval_ms!r} must be at least 1")
    if max_batch_size < 1:
        raise ValueError(f"max_batch_size {max_batch_size!r} must be at least 1")
    if max_queue_size <= max_batch_size:  # Debezium refuses it too, but only once deployed
        raise ValueError(f"max_queue_size {max_queue_size!r} must be larger than max_batch_size")
    if linger_ms is not None and linger_ms < 0:
        raise ValueError(f"producer_linger_ms {linger_ms!r} must not be negative")


def _require_identifier(schema: str) -> None:
    if not _IDENTIFIER.match(schema):
        raise ValueError(
            f"schema {schema!r} must be a lowercase SQL identifier of at most 40 characters"
        )
