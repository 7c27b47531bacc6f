"""`shop up` as a real subprocess on given PostgreSQL and Kafka (the e2e tests, `bench/saga.py`)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from localinfra.front_door import FrontDoor
from localinfra.postgres import DATABASE_OVER, PostgresServer
from localinfra.process import ManagedProcess


def _ready(state_file: Path) -> bool:
    if not state_file.exists():
        return False
    try:
        control = json.loads(state_file.read_text())["control_url"]
        return bool(httpx.get(f"{control}/status", timeout=3).json()["ready"])
    except (httpx.HTTPError, ValueError, KeyError):
        return False


def _processes(state: dict[str, Any]) -> list[dict[str, Any]]:
    status = httpx.get(f"{state['control_url']}/status", timeout=10).json()
    processes: list[dict[str, Any]] = status["processes"]
    return processes


@contextmanager
def shop_up_process(
    name: str,
    workdir: Path,
    postgres: PostgresServer,
    database: str,
    bootstrap_servers: str,
    options: Sequence[str],
    *,
    front_door: FrontDoor,
    publish: bool = False,
    database_over: str = DATABASE_OVER[0],
) -> Iterator[dict[str, Any]]:
    """Run `shop up <options>` on `database` of `postgres` until the block ends (its log:
    `<workdir>/../<name>.log`); yields its state file once every process is ready. The processes
    connect over the server's Unix socket unless `database_over` is `tcp` (ADR 0058). The
    caller's `SHOP_*`/`OTEL_*` are not passed on: settings go by `options` (`--env NAME=VALUE`).
    The shop checks the tokens of `front_door`'s Dex; with `publish`, its APIs (and web app) are
    the gateway's once ready (one shop at once)."""
    socket_dir = postgres.shop_socket_dir(database_over)
    workdir.mkdir(parents=True, exist_ok=True)
    identity_file = workdir / "identity.json"
    identity_file.touch(mode=0o600)
    identity_file.write_text(front_door.identity().model_dump_json())
    state_file = workdir / "shop-up.json"
    argv = [
        sys.executable,
        "-m",
        "shop.cli",
        "up",
        "--no-status",
        "--database-url",
        postgres.dsn(database, driver="postgresql+asyncpg"),
        *(["--database-socket-dir", str(socket_dir)] if socket_dir else []),
        "--kafka-bootstrap-servers",
        bootstrap_servers,
        "--workdir",
        str(workdir),
        "--state-file",
        str(state_file),
        "--identity-file",
        str(identity_file),
        *options,
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOP_", "OTEL_"))}
    process = ManagedProcess(name, argv, workdir.parent / f"{name}.log", env=env).start()
    try:
        process.wait_ready(lambda: _ready(state_file), timeout=600, what="running, all ready")
        state: dict[str, Any] = json.loads(state_file.read_text())
        if publish:
            web = next((p["url"] for p in _processes(state) if p["name"] == "storefront-web"), None)
            front_door.publish_apis(state["apis"], web_url=web)
        yield state
    finally:
        process.stop(timeout=90)
