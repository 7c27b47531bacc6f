"""The catalog's read cache: read latency through the catalog API with and without Redis.

Starts PostgreSQL and Redis itself (hack/localinfra), migrates a catalog, seeds PRODUCTS
products, and runs the same read mix against the catalog API twice, in-process (ASGI, no
sockets between the client and the app): without a Redis address, then with one. Reads go
through the API (anonymous, as a storefront browses); writes go through the API process's own
message bus (as its admin routes do, so they invalidate the same cache; no OIDC provider is
needed: the issuer the settings name is never contacted for anonymous reads). The mix:
product views skewed towards popular products (weight 1/rank), SEARCH_SHARE of search pages
over a few queries, and one price change every WRITE_EVERY reads (it invalidates that product
and every search page, as in the shop). Prints a table, then the figures as a JSON object last.
`python -m bench.catalog_cache [--reads N]` from the repository root, after
`eval "$(make -s env)"`; `make bench` runs it with the defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import httpx
from bench.common.machine import LoadWatch

if TYPE_CHECKING:
    from shop.catalog.bootstrap import CatalogBus

PRODUCTS, READS, WARM_UP = 200, 3000, 200
SEARCH_SHARE, WRITE_EVERY = 0.2, 100
QUERIES = ["mug", "tea", "pot", "kettle", "cup"]
NO_ISSUER = {"SHOP_AUTH_ISSUER": "http://127.0.0.1:9/dex", "SHOP_AUTH_AUDIENCE": "shop-api"}


@asynccontextmanager
async def catalog_api(
    database_url: str, redis_url: str | None
) -> AsyncIterator[tuple[httpx.AsyncClient, CatalogBus]]:
    from shop.catalog.entrypoints.api import create_catalog_app
    from shop.catalog.settings import CatalogSettings

    settings = CatalogSettings(
        database_url=database_url, kafka_bootstrap_servers="127.0.0.1:9", redis_url=redis_url
    )
    app = create_catalog_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://catalog.bench") as client,
    ):
        yield client, app.state.process.state["catalog"].bus


async def seed(bus: CatalogBus) -> list[str]:
    from shop.catalog.domain import commands as c

    await bus.handle(c.CreateCategory("kitchen", "Kitchen"))
    ids = []
    for number in range(PRODUCTS):
        word = QUERIES[number % len(QUERIES)]
        create = c.CreateProduct(
            f"{word.title()} {number}", f"A {word}", "kitchen", Decimal("9.50"), "EUR", 100, 0
        )
        ids.append(str(await bus.handle(create)))
    return ids


def read_mix(ids: list[str], count: int, rng: random.Random) -> list[str]:
    """`count` paths: popular products more often, some search pages, writes marked `PUT`."""
    weights = [1 / (rank + 1) for rank in range(len(ids))]
    paths = []
    for number in range(count):
        if number and number % WRITE_EVERY == 0:
            paths.append("PUT " + rng.choices(ids, weights)[0])
        elif rng.random() < SEARCH_SHARE:
            paths.append(f"/products?q={rng.choice(QUERIES)}&offset={rng.choice([0, 20])}")
        else:
            paths.append(f"/products/{rng.choices(ids, weights)[0]}")
    return paths


async def run_mix(client: httpx.AsyncClient, bus: CatalogBus, paths: list[str]) -> list[float]:
    """Each read's latency in ms (the price changes are not timed)."""
    from shop.catalog.domain.commands import ChangePrice

    latencies = []
    for number, path in enumerate(paths):
        if path.startswith("PUT "):
            await bus.handle(ChangePrice(UUID(path[4:]), Decimal("9.50") + number % 7, "EUR"))
            continue
        started = time.perf_counter()
        (await client.get(path)).raise_for_status()
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


async def hit_ratio(client: httpx.AsyncClient) -> float:
    from shop.catalog.adapters.cache_metrics import cache_counts

    counts = cache_counts((await client.get("/metrics")).text)
    total = counts["hits"] + counts["misses"]
    return counts["hits"] / total if total else 0.0


def summary(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "reads": len(ordered),
        "mean_ms": round(statistics.fmean(ordered), 3),
        "p50_ms": round(ordered[len(ordered) // 2], 3),
        "p99_ms": round(ordered[int(len(ordered) * 0.99)], 3),
    }


async def measure(database_url: str, redis_url: str, reads: int) -> dict[str, Any]:
    watch = LoadWatch()
    async with catalog_api(database_url, None) as (_, bus):
        ids = await seed(bus)
    results: dict[str, Any] = {}
    for mode, url in (("without_cache", None), ("with_cache", redis_url)):
        rng = random.Random(14)  # the same mix for both
        async with catalog_api(database_url, url) as (client, bus):
            await run_mix(client, bus, read_mix(ids, WARM_UP, rng))
            watch.sample()
            results[mode] = summary(await run_mix(client, bus, read_mix(ids, reads, rng)))
            watch.sample()
            if url:
                results[mode]["hit_ratio"] = round(await hit_ratio(client), 3)
    results["machine"] = watch.describe()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reads", type=int, default=READS, help="timed reads per mode")
    args = parser.parse_args()
    for name, value in NO_ISSUER.items():
        os.environ.setdefault(name, value)
    from localinfra.postgres import PostgresServer
    from localinfra.redis_server import RedisServer
    from localinfra.workdir import make_workdir
    from shop.common.migrations import upgrade

    workdir: Path = make_workdir("bench-catalog-cache")
    workdir.chmod(0o755)
    (workdir / "postgres").mkdir()
    with PostgresServer(workdir / "postgres") as postgres, RedisServer(workdir / "redis") as redis:
        postgres.create_database("catalog")
        database_url = postgres.dsn("catalog", driver="postgresql+asyncpg")
        upgrade("catalog", database_url)
        results = asyncio.run(measure(database_url, redis.url, args.reads))
    print(f"{'mode':<15}{'reads':>7}{'mean ms':>10}{'p50 ms':>9}{'p99 ms':>9}{'hit ratio':>11}")
    for mode in ("without_cache", "with_cache"):
        row = results[mode]
        ratio = f"{row['hit_ratio']:.3f}" if "hit_ratio" in row else "-"
        print(
            f"{mode:<15}{row['reads']:>7}{row['mean_ms']:>10.2f}{row['p50_ms']:>9.2f}"
            f"{row['p99_ms']:>9.2f}{ratio:>11}"
        )
    print(results["machine"])
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
