"""The stack under test, started as `make up` starts it: localinfra, then `shop up` as a process."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.saga_parts import pg_stats

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
    pg_stats: pg_stats.PgStats | None = None
    """PostgreSQL's counters, when the stack was started to measure them (`--pg-stats`)."""
    dsn: str = ""
    """The shop database, as PostgreSQL's superuser (the inbox's waits, `bench.saga_parts.hops`)."""
    scrape_targets: Path | None = None
    """The processes' /metrics addresses (Prometheus file_sd JSON), when asked for (`--hops`)."""


@contextlib.contextmanager
def started_shop(
    outbox: str,
    env: dict[str, str],
    layout: str = "split",
    database_over: str = "socket",
    *,
    with_pg_stats: bool = False,
    with_scrape_targets: bool = False,
) -> Iterator[RunningShop]:
    """PostgreSQL, Kafka (and Connect for Debezium), then `shop up --outbox <outbox> --layout
    <layout>` with a seeded catalog, its processes reaching PostgreSQL over `database_over`
    (`socket` or `tcp`); everything is stopped again when the block ends.
    `with_pg_stats`: PostgreSQL loads pg_stat_statements (`bench.saga_parts.pg_stats`);
    `with_scrape_targets`: `shop up` writes its processes' /metrics addresses."""
    with local_stack(
        with_connect=outbox == "debezium",
        with_kube=False,
        postgres_settings=pg_stats.SETTINGS if with_pg_stats else None,
    ) as local:
        assert local.postgres is not None
        assert local.kafka is not None
        assert local.front_door is not None
        local.postgres.create_database("shop")
        stats = None
        if with_pg_stats:
            local.postgres.psql("CREATE EXTENSION pg_stat_statements", database="shop")
            stats = pg_stats.PgStats(local.postgres.dsn("shop"))
        targets = local.workdir / "scrape-targets.json" if with_scrape_targets else None
        options = [
            *(["--scrape-targets-file", str(targets)] if targets else []),
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
            yield RunningShop(
                state["apis"],
                state["control_url"],
                local.workdir / "shop",
                identity,
                stats,
                local.postgres.dsn("shop"),
                targets,
            )
