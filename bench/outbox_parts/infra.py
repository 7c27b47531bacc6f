"""Real infrastructure for the outbox benchmark: PostgreSQL, Kafka and Kafka Connect on loopback."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from localinfra.connect import KafkaConnect
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from shop.common.debezium import outbox_connector_config
from shop.common.migrations import TEMPLATE_DIR, upgrade

DATABASE = "bench"


@dataclass
class Infra:
    postgres: PostgresServer
    kafka: KafkaBroker
    connect: KafkaConnect

    @property
    def database_url(self) -> str:
        return self.postgres.dsn(DATABASE, driver="postgresql+asyncpg")


@contextlib.contextmanager
def started(workdir: Path) -> Iterator[Infra]:
    """Start the three servers (stopped again on exit, whatever happens)."""
    postgres = PostgresServer(workdir / "postgres")
    (workdir / "postgres").mkdir(parents=True)
    kafka = KafkaBroker(workdir / "kafka")
    connect = KafkaConnect(kafka.bootstrap_servers, workdir / "connect")
    try:
        postgres.start()
        postgres.create_database(DATABASE)
        kafka.start()
        connect.start()
        yield Infra(postgres, kafka, connect)
    finally:
        connect.close()
        kafka.stop()
        postgres.stop()


async def prepare(infra: Infra, schema: str, topic: str, partitions: int) -> None:
    """Migrate a context schema (outbox, inbox) and create its topic."""
    await asyncio.to_thread(upgrade, schema, infra.database_url, script_location=TEMPLATE_DIR)
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka.bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, partitions, 1)])
    finally:
        await admin.close()


async def start_debezium(infra: Infra, schema: str) -> str:
    """Create the schema's outbox connector exactly as the operator would; wait until RUNNING."""
    config = outbox_connector_config(
        schema=schema,
        database_host=infra.postgres.host,
        database_port=infra.postgres.port,
        database_name=DATABASE,
        database_user=infra.postgres.superuser,
        database_password=infra.postgres.password,
    )
    await asyncio.to_thread(infra.connect.create_connector, config["name"], config)
    await asyncio.to_thread(infra.connect.wait_connector_running, config["name"], 180)
    return config["name"]
