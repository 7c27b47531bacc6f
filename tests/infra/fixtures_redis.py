"""The `redis` fixture: a real Redis server of its own per test (it starts in milliseconds)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from localinfra.redis_server import RedisServer
from support.provisioned import provisioned


@pytest.fixture
def redis(infra_workdir: Path, request: pytest.FixtureRequest) -> Iterator[RedisServer]:
    """A started Redis server (no persistence) on a free loopback port."""
    server = RedisServer(infra_workdir / f"redis-{request.node.name}")
    provisioned(server.start)
    try:
        yield server
    finally:
        server.stop()
