"""The `postgres` session fixture: one real PostgreSQL cluster for the test session."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from localinfra.postgres import PostgresServer
from support.provisioned import provisioned


@pytest.fixture(scope="session")
def postgres(infra_workdir: Path) -> Iterator[PostgresServer]:
    """A started PostgreSQL server (wal_level=logical) on a free loopback port."""
    workdir = infra_workdir / "postgres"
    workdir.mkdir()
    server = PostgresServer(workdir)
    provisioned(server.start)
    try:
        yield server
    finally:
        server.stop()
