"""Cache-aside over Redis for the catalog API's reads: product views and search pages.

Entry keys carry generations: each product has one (`catalog:v1:gen:product:<id>`), all search
pages share one (`catalog:v1:gen:search`), and an epoch covers everything. A committed change to
products increments their generations and the search generation (`invalidate`), so entries
written before it are never read again; they expire by their TTL. A reader reads the
generations before it reads the database, so a value it loaded before a concurrent change is
stored under the old generation and cannot be served after that change.

Redis only makes reads faster: when a call fails, the read goes to PostgreSQL (a miss) and the
cache leaves Redis alone for `retry_seconds`. An invalidation that could not be written bumps
the epoch as soon as Redis answers again, so nothing cached before it is served afterwards.
The generation keys have no TTL; the server evicts only keys with one (`volatile-lru`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable, Collection
from uuid import UUID

from pydantic import BaseModel
from redis.asyncio import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from shop.catalog.adapters.cache_metrics import CacheMetrics
from shop.catalog.adapters.read_cache import M

PREFIX = "catalog:v1"
EPOCH = f"{PREFIX}:epoch"
SEARCH_GENERATION = f"{PREFIX}:gen:search"
REDIS_FAILURES: tuple[type[BaseException], ...] = (RedisError, OSError)


LOOKUP = """
local key = ARGV[1] .. (redis.call('GET', KEYS[1]) or '0') .. '.'
    .. (redis.call('GET', KEYS[2]) or '0')
return {key, redis.call('GET', key)}
"""
"""Reads the epoch and a generation, then the entry they name (a standalone server: the
entry's key is not declared, which Redis Cluster would refuse)."""


def product_generation(product_id: UUID) -> str:
    return f"{PREFIX}:gen:product:{product_id}"


def redis_client(url: str, timeout_seconds: float) -> Redis:
    """A client that fails fast (no retries): a slow cache must not slow reads down further."""
    return Redis.from_url(
        url,
        socket_timeout=timeout_seconds,
        socket_connect_timeout=timeout_seconds,
        retry=Retry(NoBackoff(), 0),
    )


class RedisReadCache:
    """The cache-aside `ReadCache` over one Redis database."""

    def __init__(
        self,
        client: Redis,
        metrics: CacheMetrics,
        *,
        ttl_seconds: int,
        retry_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._metrics = metrics
        self._ttl = ttl_seconds
        self._retry = retry_seconds
        self._clock = clock
        self._down_until = 0.0
        self._lost_invalidation = False
        self._lookup_script = client.register_script(LOOKUP)

    async def product(
        self, product_id: UUID, model: type[M], load: Callable[[], Awaitable[M]]
    ) -> M:
        return await self._read(
            "product", product_generation(product_id), str(product_id), model, load
        )

    async def search(self, query: str, model: type[M], load: Callable[[], Awaitable[M]]) -> M:
        digest = hashlib.sha256(query.encode()).hexdigest()[:32]
        return await self._read("search", SEARCH_GENERATION, digest, model, load)

    async def invalidate(self, product_ids: Collection[UUID]) -> None:
        if not product_ids:
            return
        if not self._up():
            self._lost_invalidation = True
            return
        pipe = self._client.pipeline(transaction=False)
        for product_id in product_ids:
            pipe.incr(product_generation(product_id))
        pipe.incr(SEARCH_GENERATION)
        try:
            await pipe.execute()
        except REDIS_FAILURES:
            self._lost_invalidation = True
            self._failed("invalidate")
            return
        self._metrics.invalidated.inc(len(product_ids))

    async def _read(
        self,
        kind: str,
        generation_key: str,
        name: str,
        model: type[M],
        load: Callable[[], Awaitable[M]],
    ) -> M:
        key, cached = await self._lookup(generation_key, f"{PREFIX}:{kind}:{name}:")
        if cached is not None:
            self._metrics.hits.labels(kind).inc()
            return model.model_validate_json(cached)
        self._metrics.misses.labels(kind).inc()
        value = await load()
        if key:
            await self._store(key, value)
        return value

    async def _lookup(self, generation_key: str, stem: str) -> tuple[str | None, bytes | None]:
        """The entry's key at the current epoch and generation, and its value if cached, in
        one round trip; (None, None) while Redis is down."""
        if not self._up() or not await self._recover_lost_invalidation():
            return None, None
        try:
            key, value = await self._lookup_script(keys=[EPOCH, generation_key], args=[stem])
        except REDIS_FAILURES:
            self._failed("read")
            return None, None
        return key.decode(), value

    async def _store(self, key: str, value: BaseModel) -> None:
        try:
            await self._client.set(key, value.model_dump_json(), ex=self._ttl)
        except REDIS_FAILURES:
            self._failed("write")

    async def _recover_lost_invalidation(self) -> bool:
        """After an invalidation was lost, a new epoch first; False if Redis failed again."""
        if not self._lost_invalidation:
            return True
        try:
            await self._client.incr(EPOCH)
        except REDIS_FAILURES:
            self._failed("invalidate")
            return False
        self._lost_invalidation = False
        return True

    def _up(self) -> bool:
        return self._clock() >= self._down_until

    def _failed(self, operation: str) -> None:
        self._metrics.failures.labels(operation).inc()
        self._down_until = self._clock() + self._retry
