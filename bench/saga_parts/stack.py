"""The stack under test, started as `make up` starts it: localinfra, then `shop up` as a process."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from localinfra.shop_up import shop_up_process
from localinfra.stack import local_stack
from shop.devstack.identity import Identity


@dataclass(frozen=True)
class RunningShop:
    """Where the shop's public APIs and its control API listen."""

    apis: dict[str, str]
    control_url: str
    workdir: Path
    identity: Identity


@contextlib.contextmanager
def started_shop(
    outbox: str, env: dict[str, str], layout: str = "split", database_over: str = "socket"
) -> Iterator[RunningShop]:
    """PostgreSQL, Kafka (and Connect for Debezium), then `shop up --outbox <outbox> --layout
    <layout>` with a seeded catalog, its processes reaching PostgreSQL over `database_over`
    (`socket` or `tcp`); everything is stopped again when the block ends."""
    with local_stack(with_connect=outbox == "debezium", with_kube=False) as local:
        assert local.postgres is not None
        assert local.kafka is not None
        assert local.front_door is not None
        local.postgres.create_database("shop")
        options = [
            "--outbox",
            outbox,
            "--layout",
            layout,
            *(["--kafka-connect-url", local.connect.rest_url] if local.connect else []),
            *(arg for name, value in env.items() for arg in ("--env", f"{name}={value}")),
        ]
        with shop_up_process(
            "shop-up",
            local.workdir / "shop",
            local.postgres,
            "shop",
            local.kafka.bootstrap_servers,
            options,
            front_door=local.front_door,
            database_over=database_over,
        ) as state:
            identity = local.front_door.identity()
            yield RunningShop(state["apis"], state["control_url"], local.workdir / "shop", identity)
