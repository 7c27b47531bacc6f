"""Reports integration fixtures: a migrated reports database per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from integration.context_db import migrated_engine
from localinfra.postgres import PostgresServer


@pytest.fixture
async def reports_engine(postgres: PostgresServer) -> AsyncIterator[AsyncEngine]:
    async with migrated_engine(postgres, "reports") as engine:
        yield engine
