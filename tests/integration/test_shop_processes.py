"""Every shop process as a real subprocess: `shop migrate <context>`, then `shop run
<context>-api|-worker` becomes ready on real PostgreSQL and Kafka and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from infra.fixtures_identity import IdentityProvider
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from shop.devstack.ports import free_port
from shop.topology import CONTEXTS
from support.polling import wait_until

DATABASE = "shop_processes"
PROCESSES = [f"{context}-{kind}" for context in CONTEXTS for kind in ("api", "worker")]


def shop(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "shop.cli", *args], env=env, stdout=output, stderr=output
        )


@pytest.fixture(scope="module")
def shop_env(
    postgres: PostgresServer,
    kafka: KafkaBroker,
    tmp_path_factory: pytest.TempPathFactory,
    identity: IdentityProvider,
) -> dict[str, str]:
    """The environment of the shop's processes, on a database every context migrated; the APIs
    check the session Dex's tokens."""
    postgres.create_database(DATABASE)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SHOP_", "OTEL_"))},
        "SHOP_DATABASE_URL": postgres.dsn(DATABASE, driver="postgresql+asyncpg"),
        "SHOP_KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "SHOP_HTTP_HOST": "127.0.0.1",
        "SHOP_SHUTDOWN_TIMEOUT_SECONDS": "5",
        **identity.dex.env(),
    }
    log = tmp_path_factory.mktemp("migrate") / "migrate.log"
    for context in CONTEXTS:
        migrate = shop("migrate", context, env=env, log=log)
        assert migrate.wait(timeout=120) == 0, log.read_text()
    return env


@pytest.mark.parametrize("name", PROCESSES)
def test_a_shop_process_becomes_ready_and_stops_cleanly(
    name: str, shop_env: dict[str, str], tmp_path: Path
) -> None:
    port, log = free_port(), tmp_path / f"{name}.log"
    process = shop("run", name, env={**shop_env, "SHOP_HTTP_PORT": str(port)}, log=log)
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        assert process.poll() is None, log.read_text()
        try:
            return httpx.get(f"{url}/readyz", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_until(ready, within=90, what=f"{name} ready")
        assert httpx.get(f"{url}/livez", timeout=5).json() == {"status": "ok"}
        if name.endswith("-api"):
            assert httpx.get(f"{url}/openapi.json", timeout=5).status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
