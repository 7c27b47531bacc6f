"""The six APIs as real processes on a PostgreSQL server and a broker of this module's own,
which the tests stop, kill and restart (the session's servers stay untouched)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from infra.fixtures_identity import IdentityProvider
from integration.shop_apps import api_environment, api_processes, shop_database
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer

DATABASE = "shop_outages"
RETRY_AFTER_SECONDS = 3
BROKER_WAIT_SECONDS = 3
"""How long a request waits for the broker before it answers 503."""
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


@pytest.fixture(scope="module")
def outage_stack(infra_workdir: Path, identity: IdentityProvider) -> Iterator[OutageStack]:
    root = infra_workdir / "outages"  # reachable by nobody, as whom PostgreSQL runs under root
    (root / "postgres").mkdir(parents=True)
    with (
        PostgresServer(root / "postgres") as postgres,
        KafkaBroker(root / "kafka") as kafka,
        httpx.Client(timeout=10, headers=identity.admin().headers) as http,
    ):
        database = shop_database(postgres, DATABASE)
        envs = api_environment(
            database.urls,
            kafka.bootstrap_servers,
            identity.dex.env(),
            outage_retry_after_seconds=str(RETRY_AFTER_SECONDS),
            readiness_timeout_seconds="1",
            kafka_request_timeout_seconds=str(BROKER_WAIT_SECONDS),
        )
        with api_processes(envs, root) as apis:
            yield OutageStack(postgres, kafka, apis, http, identity)
