"""The catalog API's read cache on real Redis and PostgreSQL: a hit after a miss, invalidation by
the catalog's own committed changes (API and worker paths), and reads while Redis is down."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from uuid import UUID

import httpx
import pytest
from prometheus_client import CollectorRegistry
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.fixtures_identity import IdentityProvider
from integration.context_api import api_client, settings_on
from localinfra.redis_server import RedisServer
from shop.catalog.adapters.cache_metrics import CacheMetrics
from shop.catalog.adapters.cache_metrics import cache_counts as read_cache_counts
from shop.catalog.adapters.redis_read_cache import RedisReadCache, redis_client
from shop.catalog.bootstrap import bootstrap
from shop.catalog.domain.commands import ReserveStock
from shop.catalog.domain.events import StockLine
from shop.catalog.entrypoints.api import create_catalog_app
from shop.catalog.settings import CatalogSettings
from support.polling import wait_until_async

pytestmark = pytest.mark.integration

SEARCH = "/products?q=mug"


@pytest.fixture
async def client(
    catalog_engine: AsyncEngine, redis: RedisServer, identity: IdentityProvider
) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_on(
        CatalogSettings,
        catalog_engine,
        redis_url=redis.url,
        cache_retry_seconds=0.2,
    )
    async with api_client(create_catalog_app(settings), identity.admin()) as client:
        category = {"slug": "kitchen", "name": "Kitchen"}
        assert (await client.post("/categories", json=category)).status_code == 201
        yield client


async def add_mug(client: httpx.AsyncClient) -> str:
    body: dict[str, object] = {"name": "Mug", "description": "A mug", "category": "kitchen"}
    body |= {"price": "9.50", "currency": "EUR", "initial_stock": 10}
    response = await client.post("/products", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def cache_counts(client: httpx.AsyncClient) -> dict[str, float]:
    return read_cache_counts((await client.get("/metrics")).text)


async def rename_behind_the_catalog(engine: AsyncEngine, product_id: str, name: str) -> None:
    """A change the catalog never made: only a read from the database can show it."""
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE catalog.products SET name = :name WHERE id = :id"),
            {"name": name, "id": product_id},
        )


async def test_a_second_read_is_a_hit_served_from_redis(
    client: httpx.AsyncClient, catalog_engine: AsyncEngine
) -> None:
    product_id = await add_mug(client)
    first = await client.get(f"/products/{product_id}")
    first_page = await client.get(SEARCH)
    await rename_behind_the_catalog(catalog_engine, product_id, "Renamed behind its back")

    second = await client.get(f"/products/{product_id}")
    second_page = await client.get(SEARCH)

    assert second.json() == first.json()
    assert second.json()["name"] == "Mug"
    assert second_page.json() == first_page.json()
    assert second_page.json()["total"] == 1
    assert await cache_counts(client) == {"hits": 2.0, "misses": 2.0, "failures": 0.0}


async def test_a_price_change_and_a_restock_invalidate_the_product_and_search_pages(
    client: httpx.AsyncClient,
) -> None:
    product_id = await add_mug(client)
    assert (await client.get(f"/products/{product_id}")).json()["price"] == "9.50"
    assert (await client.get(SEARCH)).json()["items"][0]["price"] == "9.50"

    price = {"price": "12.00", "currency": "EUR"}
    assert (await client.put(f"/products/{product_id}/price", json=price)).status_code == 200
    assert (await client.get(f"/products/{product_id}")).json()["price"] == "12.00"
    assert (await client.get(SEARCH)).json()["items"][0]["price"] == "12.00"

    receipt = {"quantity": 5}
    assert (await client.post(f"/products/{product_id}/stock/receipts", json=receipt)).is_success
    assert (await client.get(f"/products/{product_id}")).json()["stock"]["on_hand"] == 15
    assert (await client.get(SEARCH)).json()["items"][0]["stock"]["on_hand"] == 15


async def test_a_reservation_applied_by_the_worker_path_invalidates_the_api_cache(
    client: httpx.AsyncClient, catalog_engine: AsyncEngine, redis: RedisServer
) -> None:
    product_id = await add_mug(client)
    assert (await client.get(f"/products/{product_id}")).json()["stock"]["reserved"] == 0
    connection = redis_client(redis.url, timeout_seconds=0.25)
    metrics = CacheMetrics(CollectorRegistry())
    worker_cache = RedisReadCache(connection, metrics, ttl_seconds=60, retry_seconds=1)
    worker = bootstrap(catalog_engine, read_cache=worker_cache)
    try:
        await worker.bus.handle(ReserveStock(UUID(int=7), (StockLine(UUID(product_id), 3),)))
    finally:
        await connection.aclose()

    stock = (await client.get(f"/products/{product_id}")).json()["stock"]
    assert (stock["reserved"], stock["available"]) == (3, 7)


async def test_with_redis_stopped_reads_still_succeed_from_postgres(
    client: httpx.AsyncClient, redis: RedisServer
) -> None:
    product_id = await add_mug(client)
    assert (await client.get(f"/products/{product_id}")).status_code == 200
    redis.stop()

    started = time.monotonic()
    reads = [await client.get(f"/products/{product_id}") for _ in range(20)]
    pages = [await client.get(SEARCH) for _ in range(20)]
    elapsed = time.monotonic() - started
    price = {"price": "11.00", "currency": "EUR"}
    changed = await client.put(f"/products/{product_id}/price", json=price)

    assert all(r.status_code == 200 and r.json()["name"] == "Mug" for r in reads)
    assert all(p.status_code == 200 and p.json()["total"] == 1 for p in pages)
    assert changed.status_code == 200
    assert (await client.get(f"/products/{product_id}")).json()["price"] == "11.00"
    counts = await cache_counts(client)
    assert counts["failures"] >= 1
    assert counts["misses"] >= 41
    assert elapsed < 5, f"40 reads with Redis down took {elapsed:.2f}s"

    redis.start()  # empty, on the same port: reads are cached again once the retry delay passed

    async def hits_after_two_reads() -> float:
        for _ in range(2):
            assert (await client.get(f"/products/{product_id}")).json()["price"] == "11.00"
        return (await cache_counts(client))["hits"]

    await wait_until_async(hits_after_two_reads, within=10, what="a hit after Redis restarted")


class Named(BaseModel):
    name: str


async def test_an_invalidation_lost_while_redis_failed_starts_a_new_epoch_once_it_answers(
    redis: RedisServer,
) -> None:
    now = [0.0]
    client = redis_client(redis.url, timeout_seconds=0.25)
    admin = redis_client(redis.url, timeout_seconds=5)
    metrics = CacheMetrics(CollectorRegistry())
    cache = RedisReadCache(client, metrics, ttl_seconds=60, retry_seconds=5, clock=lambda: now[0])
    product = UUID(int=14)

    async def named(name: str) -> Named:
        return Named(name=name)

    try:
        assert (await cache.product(product, Named, lambda: named("old"))).name == "old"
        assert (await cache.product(product, Named, lambda: named("new"))).name == "old"
        await admin.client_pause(1000, all=True)  # no answers for 1 s
        assert (await cache.product(product, Named, lambda: named("new"))).name == "new"
        await cache.invalidate([product])  # Redis is skipped now: this invalidation is lost
        assert await admin.ping()  # answered once the pause is over
        now[0] += 5

        assert (await cache.product(product, Named, lambda: named("new"))).name == "new"
        assert (await cache.product(product, Named, lambda: named("newer"))).name == "new"
    finally:
        await client.aclose()
        await admin.aclose()
