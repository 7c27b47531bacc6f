"""The `observability` fixture: a real Prometheus and Jaeger for the session's shop.

Prometheus scrapes every process of the e2e shop (`shop up --scrape-targets-file`) each
`SCRAPE_INTERVAL` and evaluates the chart's rules each `EVALUATION_INTERVAL`. Only the rules'
timing is changed for the tests, through chart values (documented in docs/dashboards.md):
`sagaTimeoutWindow` is `SAGA_TIMEOUT_WINDOW`, so the saga-timeout alert clears within a test
instead of 10 minutes after the last timeout.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from localinfra.observability import Observability, start_observability
from support.provisioned import provisioned

SCRAPE_INTERVAL = "2s"
EVALUATION_INTERVAL = "1s"
SAGA_TIMEOUT_WINDOW = "20s"


@pytest.fixture(scope="session")
def observability(infra_workdir: Path) -> Iterator[Observability]:
    """Jaeger and Prometheus, started once per session, with the chart's rules loaded."""
    with contextlib.ExitStack() as started:
        yield provisioned(
            lambda: start_observability(
                started,
                infra_workdir / "observability",
                rule_values={"sagaTimeoutWindow": SAGA_TIMEOUT_WINDOW},
                scrape_interval=SCRAPE_INTERVAL,
                evaluation_interval=EVALUATION_INTERVAL,
            )
        )
