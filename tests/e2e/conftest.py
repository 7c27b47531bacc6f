"""The whole shop under its supervisor (`shop up`) on the session's PostgreSQL and Kafka, behind
its front door (the gateway, with Dex at `/dex`), serving the built web app at `/`."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from e2e.local_shop import LocalShop
from localinfra.front_door import FrontDoor, start_front_door
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from localinfra.shop_up import shop_up_process
from localinfra.webapp import build

DATABASE = "shop_e2e"


@pytest.fixture(scope="session")
def front_door(infra_workdir: Path) -> Iterator[FrontDoor]:
    """The gateway and Dex behind it; the shop's APIs and web app are published once it runs."""
    with contextlib.ExitStack() as started:
        yield start_front_door(started, infra_workdir / "front-door")


def _identity_file(front_door: FrontDoor, workdir: Path) -> Path:
    """The front door as `shop up --identity-file` reads it (it holds client secrets)."""
    path = workdir / "identity.json"
    path.touch(mode=0o600)
    path.write_text(front_door.identity().model_dump_json())
    return path


def _process_url(control_url: str, name: str) -> str:
    status = httpx.get(f"{control_url}/status", timeout=10).json()
    url: str = next(p["url"] for p in status["processes"] if p["name"] == name)
    return url


@pytest.fixture(scope="session")
def shop_up(
    postgres: PostgresServer, kafka: KafkaBroker, infra_workdir: Path, front_door: FrontDoor
) -> Iterator[dict[str, Any]]:
    """`shop up` (built-in relays, payments always approved, the web app built and served)
    behind the front door; its state once all is ready."""
    postgres.create_database(DATABASE)
    options = [
        "--no-seed",
        "--payment-failure-rate",
        "0",
        "--web-dist",
        str(build(type_check=False)),
    ]
    options += ["--identity-file", str(_identity_file(front_door, infra_workdir))]
    with shop_up_process(
        "shop-up",
        infra_workdir / "shop",
        postgres.dsn(DATABASE, driver="postgresql+asyncpg"),
        kafka.bootstrap_servers,
        options,
    ) as state:
        web_url = _process_url(state["control_url"], "storefront-web")
        front_door.publish_apis(state["apis"], web_url=web_url)
        yield state


@pytest.fixture(scope="session")
async def shop(shop_up: dict[str, Any]) -> AsyncIterator[LocalShop]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield LocalShop(shop_up["control_url"], shop_up["apis"], http)
