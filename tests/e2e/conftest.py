"""The whole shop under its supervisor (`shop up`) on the session's PostgreSQL and Kafka, behind
its front door (the gateway, with Dex at `/dex`: `infra.fixtures_identity`), serving the built
web app at `/`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from e2e.local_shop import LocalShop
from infra.fixtures_identity import Buyers, IdentityProvider
from localinfra.front_door import FrontDoor
from localinfra.kafka import KafkaBroker
from localinfra.observability import Observability
from localinfra.postgres import PostgresServer
from localinfra.shop_up import shop_up_process
from localinfra.webapp import current_dist

DATABASE = "shop_e2e"


@pytest.fixture(scope="session")
def shop_up(
    postgres: PostgresServer,
    kafka: KafkaBroker,
    infra_workdir: Path,
    front_door: FrontDoor,
    observability: Observability,
) -> Iterator[dict[str, Any]]:
    """`shop up` (built-in relays, payments always approved, the web app built and served)
    behind the front door, its APIs and web app published there, scraped by the session's
    Prometheus and tracing to its Jaeger; its state once all is ready."""
    postgres.create_database(DATABASE)
    options = [
        "--no-seed",
        "--payment-failure-rate",
        "0",
        "--web-dist",
        str(current_dist()),
        *observability.up_options(),
    ]
    with shop_up_process(
        "shop-up",
        infra_workdir / "shop",
        postgres,
        DATABASE,
        kafka.bootstrap_servers,
        options,
        front_door=front_door,
        publish=True,
    ) as state:
        yield state


@pytest.fixture(scope="session")
async def shop(shop_up: dict[str, Any], identity: IdentityProvider) -> AsyncIterator[LocalShop]:
    """The shop's APIs; requests carry an admin's token, each order a customer's of Dex."""
    admin = identity.admin()
    async with httpx.AsyncClient(timeout=30, headers=admin.headers) as http:
        yield LocalShop(shop_up["control_url"], shop_up["apis"], http, Buyers(identity), admin.auth)
