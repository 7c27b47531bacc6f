"""`shop up --outbox debezium`: no relay processes; Debezium connectors carry every outbox.

This shop runs on its own Kafka broker and Connect worker: its consumer groups and topics must
not meet those of the relay-mode shop the other e2e tests share.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from e2e.local_shop import LocalShop, eventually
from infra.fixtures_identity import Buyers, IdentityProvider
from localinfra.connect import KafkaConnect
from localinfra.front_door import FrontDoor
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from localinfra.shop_up import shop_up_process

DATABASE = "shop_e2e_debezium"


@pytest.fixture(scope="module")
def debezium_shop_up(
    postgres: PostgresServer, infra_workdir: Path, front_door: FrontDoor
) -> Iterator[dict[str, Any]]:
    workdir = infra_workdir / "debezium-shop"
    postgres.create_database(DATABASE)
    with (
        KafkaBroker(workdir / "kafka") as broker,
        KafkaConnect(broker.bootstrap_servers, workdir / "connect") as connect,
        shop_up_process(
            "shop-up-debezium",
            workdir / "shop",
            postgres,
            DATABASE,
            broker.bootstrap_servers,
            [
                "--no-seed",
                "--outbox",
                "debezium",
                "--kafka-connect-url",
                connect.rest_url,
                "--payment-failure-rate",
                "0",
            ],
            front_door=front_door,
        ) as state,
    ):
        yield {**state, "connect_url": connect.rest_url}
    postgres.psql(  # the slots would hold WAL of the shared server for the rest of the session
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
        f"WHERE database = '{DATABASE}'"
    )


@pytest.fixture(scope="module")
async def debezium_shop(
    debezium_shop_up: dict[str, Any], identity: IdentityProvider
) -> AsyncIterator[LocalShop]:
    admin = identity.admin()
    async with httpx.AsyncClient(timeout=30, headers=admin.headers) as http:
        up = debezium_shop_up
        yield LocalShop(up["control_url"], up["apis"], http, Buyers(identity), admin.auth)


async def test_debezium_mode_runs_the_saga_without_relays(
    debezium_shop: LocalShop, debezium_shop_up: dict[str, Any]
) -> None:
    status = (await debezium_shop.http.get(f"{debezium_shop.control_url}/status")).json()
    assert status["outbox"] == "debezium"
    assert not [p for p in status["processes"] if p["kind"] == "relay"]
    connectors = await debezium_shop.http.get(f"{debezium_shop_up['connect_url']}/connectors")
    assert sorted(connectors.json()) == [
        "basket-outbox",
        "catalog-outbox",
        "notification-outbox",
        "ordering-outbox",
        "payment-outbox",
    ]

    product = await debezium_shop.create_product(stock=3)
    order = await debezium_shop.final_order(await debezium_shop.order_of(product, quantity=1))

    assert order["status"] == "CONFIRMED"
    stock = await eventually(
        lambda: debezium_shop.stock(product), lambda s: s["reserved"] == 0, "stock committed"
    )
    assert stock["on_hand"] == 2
