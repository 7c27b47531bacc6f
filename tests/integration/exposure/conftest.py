"""Fixtures of the exposure tests: real APIs on the host, reachable as a cluster's endpoints.

Traefik proxies to a Service's EndpointSlice addresses, and the API server refuses loopback
ones, so the APIs listen on an address of a bridge that this session creates for it (a /32 of
198.18.0.0/15, the range set aside for benchmarking; no traffic leaves the machine).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from infra.fixtures_identity import IdentityProvider
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from localinfra.process import ManagedProcess
from shop.common.migrations import upgrade
from shop.devstack.ports import free_port
from shop.devstack.topics import ensure_topics

BRIDGE_PREFIX = "skxp"  # + the pid of the session that made it
EXPOSED_CONTEXTS = ("catalog", "basket", "ordering")
BEHIND_THE_APIS = ("basket-relay", "ordering-worker")  # checkout -> Kafka -> order
DATABASE = "exposure"


def _ip(*args: str) -> str:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=True).stdout


def sweep_stale_bridges() -> None:
    """Remove the bridges of sessions that died before their teardown."""
    for name in re.findall(rf"^\d+: ({BRIDGE_PREFIX}\d+)[:@]", _ip("-o", "link"), re.MULTILINE):
        pid = int(name.removeprefix(BRIDGE_PREFIX))
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, 0)
            continue
        _ip("link", "del", name)


@pytest.fixture(scope="module")
def route_address() -> Iterator[str]:
    """A host address that may be an EndpointSlice endpoint, on a bridge of this session."""
    if os.geteuid() != 0:
        pytest.fail("the exposure tests create a network bridge: run them as root")
    sweep_stale_bridges()
    pid = os.getpid()
    name, address = f"{BRIDGE_PREFIX}{pid}", f"198.18.{(pid >> 8) & 255}.{pid & 255}"
    _ip("link", "add", "name", name, "type", "bridge")
    try:
        _ip("addr", "add", f"{address}/32", "dev", name)
        _ip("link", "set", name, "up")
        yield address
    finally:
        _ip("link", "del", name)


@pytest.fixture(scope="module")
def exposure_database(postgres: PostgresServer) -> str:
    """One database holding the exposed contexts' schemas."""
    postgres.create_database(DATABASE)
    url = postgres.dsn(DATABASE, driver="postgresql+asyncpg")
    for context in EXPOSED_CONTEXTS:
        upgrade(context, url)
    return url


# Module scope: the worker joins the shop's consumer groups on the session's broker, so it
# must be gone before later tiers (the e2e shop) consume the same topics with the same groups.
@pytest.fixture(scope="module")
def context_apis(
    exposure_database: str,
    kafka: KafkaBroker,
    route_address: str,
    tmp_path_factory: pytest.TempPathFactory,
    identity: IdentityProvider,
) -> Iterator[dict[str, int]]:
    """`shop run <context>-api` for each exposed context on `route_address`: context -> port.

    Basket's relay and ordering's worker run too, so a checkout becomes an order.
    """
    asyncio.run(ensure_topics(kafka.bootstrap_servers, partitions=1))
    logs = tmp_path_factory.mktemp("shop")
    env = {
        "SHOP_DATABASE_URL": exposure_database,
        "SHOP_KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "SHOP_HTTP_HOST": route_address,
        "SHOP_SHUTDOWN_TIMEOUT_SECONDS": "5",
        **identity.dex.env(),
    }
    names = [*(f"{context}-api" for context in EXPOSED_CONTEXTS), *BEHIND_THE_APIS]
    ports = {name: free_port() for name in names}
    processes = [shop_process(name, port, env, logs) for name, port in ports.items()]
    try:
        for process, port in zip(processes, ports.values(), strict=True):
            process.wait_ready(
                functools.partial(ready, f"http://{route_address}:{port}/readyz"), timeout=90
            )
        yield {context: ports[f"{context}-api"] for context in EXPOSED_CONTEXTS}
    finally:
        for process in processes:
            process.stop()


def shop_process(name: str, port: int, env: dict[str, str], logs: Path) -> ManagedProcess:
    """`shop run <name>` with its probe (or API) server on `port`."""
    argv = [sys.executable, "-m", "shop.cli", "run", name]
    env = {**env, "SHOP_HTTP_PORT": str(port)}
    return ManagedProcess(name, argv, logs / f"{name}.log", env=env).start()


def ready(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.TransportError:
        return False
