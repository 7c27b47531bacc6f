"""The stack under test, started as `make up` starts it: localinfra, then `shop up` as a process."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from localinfra.process import ManagedProcess
from localinfra.stack import local_stack

READY_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class RunningShop:
    """Where the shop's public APIs and its control API listen."""

    apis: dict[str, str]
    control_url: str
    workdir: Path


def _ready(state_file: Path) -> bool:
    if not state_file.exists():
        return False
    try:
        control = json.loads(state_file.read_text())["control_url"]
        return bool(httpx.get(f"{control}/status", timeout=3).json()["ready"])
    except (httpx.HTTPError, ValueError, KeyError):
        return False


@contextlib.contextmanager
def started_shop(outbox: str, env: dict[str, str]) -> Iterator[RunningShop]:
    """PostgreSQL, Kafka (and Connect for Debezium), then `shop up --outbox <outbox>` with a
    seeded catalog; everything is stopped again when the block ends."""
    with local_stack(with_connect=outbox == "debezium", with_kube=False) as local:
        assert local.postgres is not None
        assert local.kafka is not None
        local.postgres.create_database("shop")
        workdir = local.workdir / "shop"
        state_file = workdir / "shop-up.json"
        argv = [
            sys.executable,
            "-m",
            "shop.cli",
            "up",
            "--no-status",
            "--outbox",
            outbox,
            "--database-url",
            local.postgres.dsn("shop", driver="postgresql+asyncpg"),
            "--kafka-bootstrap-servers",
            local.kafka.bootstrap_servers,
            "--workdir",
            str(workdir),
            "--state-file",
            str(state_file),
            *(["--kafka-connect-url", local.connect.rest_url] if local.connect else []),
            *(arg for name, value in env.items() for arg in ("--env", f"{name}={value}")),
        ]
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("SHOP_", "OTEL_"))}
        process = ManagedProcess("shop-up", argv, local.workdir / "shop-up.log", env=clean)
        process.start()
        try:
            process.wait_ready(
                lambda: _ready(state_file), timeout=READY_TIMEOUT_SECONDS, what="all ready"
            )
            state = json.loads(state_file.read_text())
            yield RunningShop(state["apis"], state["control_url"], workdir)
        finally:
            process.stop(timeout=90)
