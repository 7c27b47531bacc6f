"""Wires the catalog: the shared bus, with the catalog's handlers, over SQL units of work, read
sessions for queries, and the read cache (Redis when an address is configured)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from sqlalchemy.ext.asyncio import AsyncEngine

from shop.catalog.adapters.cache_metrics import CacheMetrics
from shop.catalog.adapters.read_cache import NoReadCache, ReadCache
from shop.catalog.adapters.redis_read_cache import RedisReadCache, redis_client
from shop.catalog.adapters.unit_of_work import SqlCatalogUnitOfWork
from shop.catalog.adapters.wordllama_embedder import wordllama_embedder
from shop.catalog.service_layer.handlers import (
    COMMAND_HANDLERS,
    EVENT_HANDLERS,
    CatalogDependencies,
)
from shop.catalog.service_layer.unit_of_work import CatalogUnitOfWork
from shop.catalog.settings import CatalogSettings
from shop.common.bootstrap import Wired, wired
from shop.common.messagebus import MessageBus
from shop.common.messaging_settings import OutboxMode
from shop.common.process import ProcessContext

CatalogBus = MessageBus[CatalogUnitOfWork, CatalogDependencies]


def message_bus(uow: Callable[[], CatalogUnitOfWork], deps: CatalogDependencies) -> CatalogBus:
    """The shared bus with the catalog's handler tables (over SQL or, in unit tests, the fakes)."""
    return MessageBus(uow, deps, commands=COMMAND_HANDLERS, events=EVENT_HANDLERS)


Catalog = Wired[CatalogBus, SqlCatalogUnitOfWork]


def bootstrap(
    engine: AsyncEngine,
    deps: CatalogDependencies | None = None,
    outbox_mode: OutboxMode = OutboxMode.RELAY,
    read_cache: ReadCache | None = None,
) -> Catalog:
    """`read_cache`: what every committed change invalidates (none: nothing is cached);
    `deps`: by default, the semantic search's model as installed (loaded once per process)."""
    used = deps or CatalogDependencies(wordllama_embedder())
    unit_of_work = partial(SqlCatalogUnitOfWork, read_cache=read_cache)
    return wired(engine, unit_of_work, outbox_mode, lambda uow: message_bus(uow, used))


def open_read_cache(settings: CatalogSettings, process: ProcessContext) -> ReadCache:
    """The process's read cache: over Redis at `settings.redis_url` (closed with the process,
    its metrics in the process's registry), or none without an address."""
    if settings.redis_url is None:
        return NoReadCache()
    client = redis_client(settings.redis_url, settings.cache_timeout_seconds)
    process.exit_stack.push_async_callback(client.aclose)
    return RedisReadCache(
        client,
        CacheMetrics(process.registry),
        ttl_seconds=settings.cache_ttl_seconds,
        retry_seconds=settings.cache_retry_seconds,
    )
