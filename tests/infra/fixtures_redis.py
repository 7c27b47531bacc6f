"""The `redis` fixture: a real Redis server of its own per test (it starts in milliseconds)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.plugin import exit_on_missing_dependency
from localinfra.errors import MissingDependencyError
from localinfra.redis_server import RedisServer


@pytest.fixture
def redis(infra_workdir: Path, request: pytest.FixtureRequest) -> Iterator[RedisServer]:
    """A started Redis server (no persistence) on a free loopback port."""
    server = RedisServer(infra_workdir / f"redis-{request.node.name}")
    try:
        server.start()
    except MissingDependencyError as err:
        exit_on_missing_dependency(err)
    try:
        yield server
    finally:
        server.stop()
