"""The catalog API's read cache: the port, and the cache that is none.

`RedisReadCache` (`adapters/redis_read_cache.py`) is the cache-aside over Redis; without a Redis
address the catalog uses `NoReadCache` and reads PostgreSQL every time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Protocol, TypeVar
from uuid import UUID

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


class ReadCache(Protocol):
    """Answers a read from the cache, or from `load()` (then remembered)."""

    async def product(
        self, product_id: UUID, model: type[M], load: Callable[[], Awaitable[M]]
    ) -> M: ...

    async def search(self, query: str, model: type[M], load: Callable[[], Awaitable[M]]) -> M: ...

    async def invalidate(self, product_ids: Collection[UUID]) -> None:
        """Forget every cached read that may show these products (after their commit)."""


class NoReadCache:
    """No Redis address configured: every read goes to the database."""

    async def product(
        self, product_id: UUID, model: type[M], load: Callable[[], Awaitable[M]]
    ) -> M:
        return await load()

    async def search(self, query: str, model: type[M], load: Callable[[], Awaitable[M]]) -> M:
        return await load()

    async def invalidate(self, product_ids: Collection[UUID]) -> None:
        return None
