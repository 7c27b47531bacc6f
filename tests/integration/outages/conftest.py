"""The six APIs as real processes on a PostgreSQL server and a broker of this module's own,
which the tests stop, kill and restart (the session's servers stay untouched)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from infra.fixtures_identity import IdentityProvider
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from localinfra.process import ManagedProcess, free_port
from shop.common.migrations import upgrade
from shop.topology import CONTEXTS

DATABASE = "shop_outages"
RETRY_AFTER_SECONDS = 3
# A read per API that needs the database (404 and 200 both prove that it answered).
READS = {
    "catalog": "/products",
    "basket": "/carts/outage-reader",  # staff may read any cart
    "ordering": "/orders/00000000-0000-4000-8000-000000000000",
    "payment": "/payments/00000000-0000-4000-8000-000000000000",
    "notification": "/templates",
    "reports": "/reports/orders-by-status",
}


@dataclass
class OutageStack:
    """The APIs, and a client sending an admin's token (the reads need one)."""

    postgres: PostgresServer
    kafka: KafkaBroker
    apis: dict[str, str]
    http: httpx.Client
    identity: IdentityProvider


def _environment(postgres: PostgresServer, kafka: KafkaBroker) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SHOP_", "OTEL_"))},
        "SHOP_DATABASE_URL": postgres.dsn(DATABASE, driver="postgresql+asyncpg"),
        "SHOP_KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "SHOP_HTTP_HOST": "127.0.0.1",
        "SHOP_SHUTDOWN_TIMEOUT_SECONDS": "5",
        "SHOP_OUTAGE_RETRY_AFTER_SECONDS": str(RETRY_AFTER_SECONDS),
        "SHOP_READINESS_TIMEOUT_SECONDS": "1",
    }


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=3).status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture(scope="module")
def outage_stack(infra_workdir: Path, identity: IdentityProvider) -> Iterator[OutageStack]:
    root = infra_workdir / "outages"  # reachable by nobody, as whom PostgreSQL runs under root
    (root / "postgres").mkdir(parents=True)
    with (
        PostgresServer(root / "postgres") as postgres,
        KafkaBroker(root / "kafka") as kafka,
        httpx.Client(timeout=10, headers=identity.admin().headers) as http,
    ):
        postgres.create_database(DATABASE)
        env = {**_environment(postgres, kafka), **identity.dex.env()}
        for context in CONTEXTS:
            upgrade(context, postgres.dsn(DATABASE, driver="postgresql+asyncpg"))
        processes, apis = [], {}
        try:
            for context in CONTEXTS:
                port = free_port()
                argv = [sys.executable, "-m", "shop.cli", "run", f"{context}-api"]
                process = ManagedProcess(
                    f"{context}-api",
                    argv,
                    root / f"{context}-api.log",
                    env={**env, "SHOP_HTTP_PORT": str(port)},
                ).start()
                processes.append(process)
                apis[context] = f"http://127.0.0.1:{port}"
            for process, url in zip(processes, apis.values(), strict=True):
                process.wait_ready(lambda url=url: _ready(url), timeout=90, what="ready")  # type: ignore[misc]
            yield OutageStack(postgres, kafka, apis, http, identity)
        finally:
            for process in processes:
                process.stop(timeout=10)
