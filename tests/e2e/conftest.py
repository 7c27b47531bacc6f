"""The whole shop under its supervisor (`shop up`) on the session's PostgreSQL and Kafka."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from e2e.local_shop import LocalShop
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from localinfra.process import ManagedProcess

DATABASE = "shop_e2e"


def _ready(control_url: str) -> bool:
    try:
        return bool(httpx.get(f"{control_url}/status", timeout=3).json()["ready"])
    except (httpx.HTTPError, ValueError, KeyError):
        return False


@pytest.fixture(scope="session")
def shop_up(
    postgres: PostgresServer, kafka: KafkaBroker, infra_workdir: Path
) -> Iterator[dict[str, object]]:
    """`shop up` as a real process; its state file (control URL, API URLs) once all is ready."""
    postgres.create_database(DATABASE)
    workdir = infra_workdir / "shop"
    state_file = workdir / "shop-up.json"
    argv = [
        sys.executable,
        "-m",
        "shop.cli",
        "up",
        "--no-seed",
        "--no-status",
        "--database-url",
        postgres.dsn(DATABASE, driver="postgresql+asyncpg"),
        "--kafka-bootstrap-servers",
        kafka.bootstrap_servers,
        "--workdir",
        str(workdir),
        "--state-file",
        str(state_file),
        "--payment-failure-rate",
        "0",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOP_", "OTEL_"))}
    process = ManagedProcess("shop-up", argv, infra_workdir / "shop-up.log", env=env).start()

    def ready() -> bool:
        return state_file.exists() and _ready(json.loads(state_file.read_text())["control_url"])

    try:
        process.wait_ready(ready, timeout=600, what="running with every process ready")
        yield json.loads(state_file.read_text())
    finally:
        process.stop(timeout=90)


@pytest.fixture(scope="session")
async def shop(shop_up: dict[str, object]) -> AsyncIterator[LocalShop]:
    apis = shop_up["apis"]
    assert isinstance(apis, dict)
    async with httpx.AsyncClient(timeout=30) as http:
        yield LocalShop(str(shop_up["control_url"]), apis, http)
