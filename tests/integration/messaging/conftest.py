"""Fixtures of the messaging tests: a migrated schema per test, engines, Kafka, Debezium."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from integration.messaging.support import STATE_SQL, unique
from localinfra.connect import KafkaConnect
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from shop.common.debezium import outbox_connector_config, replication_names
from shop.common.messaging_settings import OutboxMode
from shop.common.migrations import TEMPLATE_DIR, upgrade
from shop.common.outbox import MessagingTables, messaging_tables
from shop.common.relay.options import asyncpg_dsn
from shop.common.uow import UnitOfWork
from support.polling import wait_until_async

DATABASE = "messaging"


@dataclass
class Schema:
    """A context's schema migrated by the template (outbox, inbox) plus test state tables."""

    name: str
    url: str
    engine: AsyncEngine
    tables: MessagingTables
    topic: str
    outbox_mode: OutboxMode = OutboxMode.RELAY
    """What the units of work of `uow()` do with their outbox rows (a process's setting)."""

    @property
    def dsn(self) -> str:
        return asyncpg_dsn(self.url)

    def uow(self, source: str = "tests") -> UnitOfWork:
        return UnitOfWork(
            async_sessionmaker(self.engine, expire_on_commit=False),
            self.tables,
            source=source,
            topic_for=lambda _type: self.topic,
            outbox_mode=self.outbox_mode,
        )

    async def scalar(self, sql: str) -> Any:
        async with self.engine.connect() as connection:
            return (await connection.execute(text(sql.format(s=self.name)))).scalar()

    async def rows(self, sql: str) -> list[tuple[object, ...]]:
        async with self.engine.connect() as connection:
            return [tuple(row) for row in await connection.execute(text(sql.format(s=self.name)))]

    async def execute(self, sql: str) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(text(sql.format(s=self.name)))


@pytest.fixture(scope="session")
def database_url(postgres: PostgresServer) -> str:
    postgres.create_database(DATABASE)
    return postgres.dsn(DATABASE, driver="postgresql+asyncpg")


@pytest.fixture(scope="session")
def bootstrap(kafka: KafkaBroker) -> str:
    return kafka.bootstrap_servers


@pytest.fixture
async def new_schema(database_url: str) -> AsyncIterator[Callable[[], Awaitable[Schema]]]:
    """Factory of fresh schemas, each migrated with the context migration template."""
    made: list[Schema] = []

    async def make() -> Schema:
        name = unique("m")
        await asyncio.to_thread(upgrade, name, database_url, script_location=TEMPLATE_DIR)
        engine = create_async_engine(database_url, pool_size=5)
        schema = Schema(name, database_url, engine, messaging_tables(name), f"t.{name}")
        for statement in STATE_SQL:
            await schema.execute(statement)
        made.append(schema)
        return schema

    yield make
    for schema in made:
        await schema.engine.dispose()


@pytest.fixture
async def debezium(
    kafka_connect: KafkaConnect, postgres: PostgresServer
) -> AsyncIterator[Callable[[Schema], Awaitable[None]]]:
    """Starts a Debezium outbox connector for a schema; removes connector and slot after.

    Returns once the replication slot is streaming: from then on the WAL keeps every insert
    for the connector, which outbox mode `debezium` (rows deleted at once) relies on.
    """
    started: list[str] = []

    async def start(schema: Schema) -> None:
        config = outbox_connector_config(
            schema=schema.name,
            database_host=postgres.host,
            database_port=postgres.port,
            database_name=DATABASE,
            database_user=postgres.superuser,
            database_password=postgres.password,
            connector_name=schema.name.replace("_", "-"),
        )
        await asyncio.to_thread(kafka_connect.create_connector, config["name"], config)
        started.append(schema.name)
        await asyncio.to_thread(kafka_connect.wait_connector_running, config["name"], 120)
        slot = replication_names(schema.name)

        async def slot_active() -> bool:
            return bool(
                await schema.scalar(
                    "SELECT count(*) FROM pg_replication_slots"
                    f" WHERE slot_name = '{slot}' AND active"
                )
            )

        await wait_until_async(slot_active, within=60, what=f"replication slot {slot} to be active")

    yield start
    for name in started:
        await asyncio.to_thread(kafka_connect.delete_connector, name.replace("_", "-"))
        slot = replication_names(name)
        await asyncio.to_thread(
            postgres.psql,
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
            f" WHERE slot_name = '{slot}' AND NOT active",
            DATABASE,
        )
