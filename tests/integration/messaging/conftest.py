"""Fixtures of the messaging tests: a migrated schema per test, engines, the Kafka address."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from integration.messaging.support import STATE_SQL, unique
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from shop.common.migrations import TEMPLATE_DIR, upgrade
from shop.common.outbox import MessagingTables, messaging_tables
from shop.common.relay.options import asyncpg_dsn
from shop.common.uow import UnitOfWork

DATABASE = "messaging"


@dataclass
class Schema:
    """A context's schema migrated by the template (outbox, inbox) plus test state tables."""

    name: str
    url: str
    engine: AsyncEngine
    tables: MessagingTables
    topic: str

    @property
    def dsn(self) -> str:
        return asyncpg_dsn(self.url)

    def uow(self, source: str = "tests") -> UnitOfWork:
        return UnitOfWork(async_sessionmaker(self.engine, expire_on_commit=False), self.tables,
                          source=source, topic_for=lambda _type: self.topic)

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
