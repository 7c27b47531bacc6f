"""FastAPI dependencies of the catalog API: the wired catalog, its bus, a read session, the
read cache, the semantic search's model (coroutines: FastAPI would run a plain function in
its thread pool, a thread hand-off per request)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.adapters.read_cache import ReadCache
from shop.catalog.bootstrap import Catalog, CatalogBus
from shop.catalog.service_layer.unit_of_work import TextEmbedder
from shop.common.read_session import read_session


def get_catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.process.state["catalog"]
    return catalog


async def get_bus(request: Request) -> CatalogBus:
    return get_catalog(request).bus


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with read_session(get_catalog(request).sessions) as session:
        yield session


async def get_read_cache(request: Request) -> ReadCache:
    cache: ReadCache = request.app.state.process.state["catalog_read_cache"]
    return cache


async def get_embedder(request: Request) -> TextEmbedder:
    embedder: TextEmbedder = request.app.state.process.state["catalog_embedder"]
    return embedder


BusDep = Annotated[CatalogBus, Depends(get_bus)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
ReadCacheDep = Annotated[ReadCache, Depends(get_read_cache)]
EmbedderDep = Annotated[TextEmbedder, Depends(get_embedder)]
