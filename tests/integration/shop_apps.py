"""The six context APIs on one migrated database, in-process or as real `shop run` processes:
for tests that speak to every API alike (outages, hostile input, fuzzing). As in production and
`shop up` (ADR 0053), each context is migrated and served as its own role, which owns its schema
(`shop.devstack.roles`, `shop.common.db_roles.migrate_context`); only the row counts and the
tests' own checks use the administrator."""

from __future__ import annotations

import asyncio
import importlib
import os
import sys
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from fastapi import FastAPI

from infra.fixtures_identity import LoggedIn
from integration.context_api import api_client
from localinfra.postgres import PostgresServer
from localinfra.process import ManagedProcess
from shop.common.db_roles import migrate_context
from shop.devstack.ports import free_port
from shop.devstack.roles import context_urls
from shop.topology import CONTEXTS


def context_app(context: str, database_url: str, bootstrap_servers: str) -> FastAPI:
    """`shop run <context>-api`'s app, built by the context's own factory and settings."""
    api = importlib.import_module(f"shop.{context}.entrypoints.api")
    settings_module = importlib.import_module(f"shop.{context}.settings")
    settings_class: Any = getattr(settings_module, f"{context.capitalize()}Settings")
    settings = settings_class(
        service_name=f"{context}-api",
        database_url=database_url,
        kafka_bootstrap_servers=bootstrap_servers,
    )
    app: FastAPI = getattr(api, f"create_{context}_app")(settings)
    return app


@dataclass(frozen=True)
class ShopDatabase:
    """A database holding every context's schema, each owned by the context's own role."""

    name: str
    admin_url: str
    urls: dict[str, str]
    """Each context's own asyncpg URL: its role, a new password."""


def shop_database(postgres: PostgresServer, name: str) -> ShopDatabase:
    """Create `name`, then prepare each context's role and schema and migrate it as that role,
    as `shop migrate <context>` does for `shop up`."""
    postgres.create_database(name)
    admin_url = postgres.dsn(name, driver="postgresql+asyncpg")
    urls = context_urls(admin_url, CONTEXTS)
    for context, url in urls.items():
        migrate_context(context, url, admin_url)
    return ShopDatabase(name, admin_url, urls)


async def migrated_shop_database(postgres: PostgresServer, prefix: str) -> ShopDatabase:
    """`shop_database` under a new name starting with `prefix`."""
    return await asyncio.to_thread(shop_database, postgres, f"{prefix}_{uuid4().hex[:8]}")


@asynccontextmanager
async def shop_api_clients(
    database_urls: Mapping[str, str], bootstrap_servers: str, caller: LoggedIn
) -> AsyncIterator[dict[str, tuple[FastAPI, httpx.AsyncClient]]]:
    """Every context's app on its own URL of `database_urls`, started, with an in-process
    client on it sending `caller`'s token (the apps check the tokens of the session's Dex:
    `infra.fixtures_identity`)."""
    async with AsyncExitStack() as stack:
        clients = {}
        for context in CONTEXTS:
            app = context_app(context, database_urls[context], bootstrap_servers)
            clients[context] = (app, await stack.enter_async_context(api_client(app, caller)))
        yield clients


def row_counts(postgres: PostgresServer, database: str) -> dict[str, int]:
    """Rows per table of every context's schema."""
    tables = postgres.psql(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables "
        f"WHERE table_schema IN ({', '.join(repr(c) for c in CONTEXTS)}) "
        "AND table_type = 'BASE TABLE' ORDER BY 1",
        database=database,
    ).split()
    counts = postgres.psql(
        " UNION ALL ".join(f"SELECT count(*) FROM {table}" for table in tables),
        database=database,
    ).split()
    return dict(zip(tables, map(int, counts), strict=True))


def api_environment(
    database_urls: Mapping[str, str],
    bootstrap_servers: str,
    token_checks: Mapping[str, str],
    **settings: str,
) -> dict[str, dict[str, str]]:
    """Each context's `shop run <context>-api` environment: its own URL of `database_urls` (no
    other), the token checks' settings (`Dex.env()`), none of the caller's SHOP_*."""
    shared = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SHOP_", "OTEL_"))},
        "SHOP_KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
        "SHOP_HTTP_HOST": "127.0.0.1",
        "SHOP_SHUTDOWN_TIMEOUT_SECONDS": "5",
        **{f"SHOP_{name.upper()}": value for name, value in settings.items()},
        **token_checks,
    }
    return {
        context: {**shared, "SHOP_DATABASE_URL": database_urls[context]} for context in CONTEXTS
    }


def _readiness(url: str) -> Callable[[], bool]:
    def ready() -> bool:
        try:
            return httpx.get(f"{url}/readyz", timeout=3).status_code == 200
        except httpx.TransportError:
            return False

    return ready


@contextmanager
def api_processes(envs: Mapping[str, Mapping[str, str]], logs: Path) -> Iterator[dict[str, str]]:
    """Every context's API as a real process with its environment of `envs` (`api_environment`);
    their URLs once all are ready."""
    processes, apis = [], {}
    try:
        for context, env in envs.items():
            port = free_port()
            argv = [sys.executable, "-m", "shop.cli", "run", f"{context}-api"]
            process = ManagedProcess(
                f"{context}-api",
                argv,
                logs / f"{context}-api.log",
                env={**env, "SHOP_HTTP_PORT": str(port)},
            ).start()
            processes.append(process)
            apis[context] = f"http://127.0.0.1:{port}"
        for process, url in zip(processes, apis.values(), strict=True):
            process.wait_ready(_readiness(url), timeout=90, what="ready")
        yield apis
    finally:
        for process in processes:
            process.stop(timeout=10)
