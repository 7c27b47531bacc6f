"""A fresh database per test, migrated by a context's own Alembic scripts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from localinfra.postgres import PostgresServer
from shop.common.migrations import upgrade


@asynccontextmanager
async def migrated_engine(postgres: PostgresServer, context: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a new database holding `context`'s schema at its latest revision."""
    name = f"{context}_{uuid4().hex[:10]}"
    await asyncio.to_thread(postgres.create_database, name)
    url = postgres.dsn(name, driver="postgresql+asyncpg")
    await asyncio.to_thread(upgrade, context, url)
    engine = create_async_engine(url, pool_size=5)
    try:
        yield engine
    finally:
        await engine.dispose()
