"""The chaos tier's stacks: each module gets a PostgreSQL server, a broker (and in Debezium mode
a Connect worker) of its own, and `shop up` on them, so no other tier's consumer groups,
databases or data directories are touched by the faults."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import ExitStack, asynccontextmanager, contextmanager
from pathlib import Path

import httpx
import pytest

from chaos.faults import ChaosStack
from infra.fixtures_identity import Buyers, IdentityProvider
from localinfra.connect import KafkaConnect
from localinfra.front_door import FrontDoor
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from localinfra.shop_up import shop_up_process
from shop.devstack.demo_client import http_limits

DATABASE = "shop_chaos"
SHOP_OPTIONS = (
    "--no-seed",
    "--partitions",
    "2",
    "--payment-failure-rate",
    "0.1",
    "--env",
    "SHOP_OUTAGE_RETRY_AFTER_SECONDS=1",
)


@contextmanager
def chaos_stack(
    workdir: Path,
    http: httpx.AsyncClient,
    front_door: FrontDoor,
    buyers: Buyers,
    *,
    debezium: bool,
) -> Iterator[ChaosStack]:
    """Servers and `shop up` under `workdir`, started and stopped with the block."""
    (workdir / "postgres").mkdir(parents=True)
    with ExitStack() as stack:
        postgres = stack.enter_context(PostgresServer(workdir / "postgres"))
        kafka = stack.enter_context(KafkaBroker(workdir / "kafka", num_partitions=2))
        connect = None
        options: Sequence[str] = SHOP_OPTIONS
        if debezium:
            connect = stack.enter_context(
                KafkaConnect(kafka.bootstrap_servers, workdir / "connect")
            )
            options = (*options, "--outbox", "debezium", "--kafka-connect-url", connect.rest_url)
        postgres.create_database(DATABASE)
        state = stack.enter_context(
            shop_up_process(
                f"shop-up-{workdir.name}",
                workdir / "shop",
                postgres,
                DATABASE,
                kafka.bootstrap_servers,
                options,
                front_door=front_door,
            )
        )
        yield ChaosStack(
            postgres, kafka, connect, DATABASE, state["control_url"], state["apis"], http, buyers
        )


@asynccontextmanager
async def running_stack(
    workdir: Path, identity: IdentityProvider, front_door: FrontDoor, *, debezium: bool
) -> AsyncIterator[ChaosStack]:
    """`shop up` checking the session Dex's tokens; the client sends an admin's (each order
    borrows a customer's: `ChaosShopper`)."""
    # Idle connections expire before uvicorn's keep-alive ends: none is reused as it closes.
    admin = identity.admin().headers
    async with httpx.AsyncClient(timeout=30, limits=http_limits(20), headers=admin) as http:
        buyers = Buyers(identity)
        with chaos_stack(workdir, http, front_door, buyers, debezium=debezium) as stack:
            yield stack


@pytest.fixture(scope="module")
async def relay_stack(
    infra_workdir: Path, identity: IdentityProvider, front_door: FrontDoor
) -> AsyncIterator[ChaosStack]:
    workdir = infra_workdir / "chaos-relay"
    async with running_stack(workdir, identity, front_door, debezium=False) as stack:
        yield stack


@pytest.fixture(scope="module")
async def debezium_stack(
    infra_workdir: Path, identity: IdentityProvider, front_door: FrontDoor
) -> AsyncIterator[ChaosStack]:
    workdir = infra_workdir / "chaos-debezium"
    async with running_stack(workdir, identity, front_door, debezium=True) as stack:
        yield stack
