"""Pytest plugin: real local infrastructure as session fixtures, logs attached to failures.

Loaded with `-p infra.plugin` (see pyproject.toml). Fixture modules per component register
themselves here; each starts its processes on 127.0.0.1 with free ports and stops them at the
end of the session, on failure and on Ctrl-C.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from localinfra.process import ProcessRegistry
from localinfra.workdir import make_workdir

FIXTURE_MODULES = (
    "infra.fixtures_postgres",
    "infra.fixtures_redis",
    "infra.fixtures_kafka",
    "infra.fixtures_kube",
    "infra.fixtures_node",
    "infra.fixtures_traefik",
    "infra.fixtures_identity",
    "infra.fixtures_observability",
)

_failed_key = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    for module in FIXTURE_MODULES:
        config.pluginmanager.import_plugin(module)
    config.stash[_failed_key] = False


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        item.config.stash[_failed_key] = True
        for process in ProcessRegistry.instance().running():
            report.sections.append((f"log of {process.name}", process.log_tail(40)))
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    ProcessRegistry.instance().stop_all()


@pytest.fixture(scope="session")
def infra_workdir(request: pytest.FixtureRequest) -> Iterator[Path]:
    """Root directory of this session's component data and logs.

    Removed after a green session; kept (and named) after a failure, for the logs.
    """
    base = Path(os.environ.get("SHOPKEEPER_TEST_TMP", "/tmp"))
    base.mkdir(parents=True, exist_ok=True)
    root = make_workdir("tests", base)
    root.chmod(0o755)
    yield root
    if request.config.stash[_failed_key] or request.session.testsfailed:
        print(f"\ninfrastructure logs kept in {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
