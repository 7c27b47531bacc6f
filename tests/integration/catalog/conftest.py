"""Catalog integration fixtures: a migrated catalog database per test and its message bus."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from integration.context_db import migrated_engine
from localinfra.postgres import PostgresServer
from shop.catalog.adapters.unit_of_work import SqlCatalogUnitOfWork
from shop.catalog.adapters.wordllama_embedder import wordllama_embedder
from shop.catalog.bootstrap import CatalogBus, message_bus
from shop.catalog.service_layer.handlers import CatalogDependencies


@pytest.fixture
async def catalog_engine(postgres: PostgresServer) -> AsyncIterator[AsyncEngine]:
    async with migrated_engine(postgres, "catalog") as engine:
        yield engine


@pytest.fixture
def catalog_bus(catalog_engine: AsyncEngine) -> CatalogBus:
    sessions = async_sessionmaker(catalog_engine, expire_on_commit=False)
    return message_bus(
        lambda: SqlCatalogUnitOfWork(sessions), CatalogDependencies(wordllama_embedder())
    )
