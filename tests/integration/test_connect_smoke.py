"""Kafka Connect is real: Debezium's outbox EventRouter publishes a PostgreSQL outbox row."""

import asyncio
import json
import uuid

import psycopg
import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord

from localinfra.connect import POSTGRES_CONNECTOR, KafkaConnect
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from shop.common.outbox import create_messaging_sql
from support.polling import wait_until

pytestmark = pytest.mark.integration

SCHEMA = "smoke_outbox"
CONNECTOR = "smoke-outbox"
SLOT = "smoke_outbox_slot"
# As services store it: a serialized java.util.Properties holding the W3C trace context.
TRACE_CONTEXT = f"traceparent=00-{'1' * 32}-{'2' * 16}-01\n"


def test_the_rest_api_lists_the_debezium_postgres_connector(kafka_connect: KafkaConnect) -> None:
    assert kafka_connect.rest_url.startswith("http://127.0.0.1:")
    assert POSTGRES_CONNECTOR in kafka_connect.connector_plugins()


def test_an_outbox_row_reaches_the_topic_it_names(
    postgres: PostgresServer, kafka: KafkaBroker, kafka_connect: KafkaConnect
) -> None:
    dsn = postgres.create_database("smoke_connect")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {SCHEMA}")
        for statement in create_messaging_sql(SCHEMA):  # the outbox as the services have it
            conn.execute(statement)
    kafka_connect.create_connector(CONNECTOR, _connector_config(postgres, "smoke_connect"))
    try:
        kafka_connect.wait_connector_running(CONNECTOR, timeout=120)
        # Rows written once the slot exists are streamed; wait for it rather than guess.
        wait_until(
            lambda: _slot_active(dsn) is True,
            within=60,
            what="replication slot active",
            interval=0.2,
        )

        event_id = uuid.uuid4()
        topic = f"smoke.orders.{uuid.uuid4().hex[:8]}"
        payload = {"id": str(event_id), "type": "order.placed", "data": {"total": "9.99"}}
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(
                f"INSERT INTO {SCHEMA}.outbox"
                " (id, aggregatetype, aggregateid, type, topic, payload, tracingspancontext)"
                " VALUES (%s, 'order', 'order-42', 'order.placed', %s, %s, %s)",
                (event_id, topic, json.dumps(payload), TRACE_CONTEXT),
            )
        record = asyncio.run(_consume_one(kafka.bootstrap_servers, topic))
    finally:
        kafka_connect.delete_connector(CONNECTOR)
        wait_until(
            lambda: _slot_active(dsn) is not True, within=60, what="slot released", interval=0.2
        )
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                " WHERE slot_name = %s",
                (SLOT,),
            )

    assert record.key == b"order-42"
    assert json.loads(record.value or b"null") == payload
    headers = {name: value.decode() for name, value in record.headers}
    assert headers["event-id"] == str(event_id)
    assert headers["event-type"] == "order.placed"


def _connector_config(postgres: PostgresServer, database: str) -> dict[str, str]:
    router = "transforms.outbox."
    return {
        "connector.class": POSTGRES_CONNECTOR,
        "tasks.max": "1",
        "database.hostname": postgres.host,
        "database.port": str(postgres.port),
        "database.user": postgres.superuser,
        "database.password": postgres.password,
        "database.dbname": database,
        "topic.prefix": "smoke",
        "plugin.name": "pgoutput",
        "slot.name": SLOT,
        "publication.name": "smoke_outbox_publication",
        "publication.autocreate.mode": "filtered",
        "table.include.list": f"{SCHEMA}.outbox",
        "snapshot.mode": "no_data",
        "tombstones.on.delete": "false",
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "transforms": "outbox",
        f"{router}type": "io.debezium.transforms.outbox.EventRouter",
        f"{router}route.by.field": "topic",
        f"{router}route.topic.replacement": "${routedByValue}",
        f"{router}table.expand.json.payload": "true",
        f"{router}table.fields.additional.placement": "id:header:event-id,type:header:event-type",
    }


def _slot_active(dsn: str) -> bool | None:
    """Whether the smoke slot is in use; None when it does not exist."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT active FROM pg_replication_slots WHERE slot_name = %s", (SLOT,)
        ).fetchone()
    return None if row is None else bool(row[0])


async def _consume_one(bootstrap_servers: str, topic: str) -> ConsumerRecord[bytes, bytes]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        group_id=f"smoke-{topic}",
        auto_offset_reset="earliest",
        # The topic appears only when Connect first writes to it: look for it often.
        metadata_max_age_ms=500,
    )
    await consumer.start()
    try:
        record: ConsumerRecord[bytes, bytes] = await asyncio.wait_for(
            consumer.getone(), timeout=120
        )
        return record
    finally:
        await consumer.stop()
