"""The `postgres` session fixture: one real PostgreSQL cluster for the test session."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.plugin import exit_on_missing_dependency
from localinfra.errors import MissingDependencyError
from localinfra.postgres import PostgresServer


@pytest.fixture(scope="session")
def postgres(infra_workdir: Path) -> Iterator[PostgresServer]:
    """A started PostgreSQL server (wal_level=logical) on a free loopback port."""
    workdir = infra_workdir / "postgres"
    workdir.mkdir()
    server = PostgresServer(workdir)
    try:
        server.start()
    except MissingDependencyError as err:
        exit_on_missing_dependency(err)
    try:
        yield server
    finally:
        server.stop()
