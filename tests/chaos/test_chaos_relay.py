"""Faults under a steady order load on a shop with the built-in outbox relays: processes
SIGKILLed, the broker killed and paused, PostgreSQL restarted and its backends terminated.
Nothing is lost: every invariant holds over the whole run."""

from __future__ import annotations

import pytest

from chaos.faults import (
    KILL_BROKER,
    PAUSE_BROKER,
    RESTART_POSTGRES,
    TERMINATE_BACKENDS,
    ChaosStack,
    sigkill_one_of_each,
)
from chaos.scenario import chaos_run

pytestmark = pytest.mark.chaos
FAULTS = (
    sigkill_one_of_each(("api", "worker", "relay")),
    TERMINATE_BACKENDS,
    RESTART_POSTGRES,
    KILL_BROKER,
    PAUSE_BROKER,
)


async def test_nothing_is_lost_when_processes_broker_and_database_fail_under_load(
    relay_stack: ChaosStack, capsys: pytest.CaptureFixture[str]
) -> None:
    result = await chaos_run(relay_stack, FAULTS, title="built-in relays", seed=13)
    with capsys.disabled():
        print(f"\n{result.report}\n")
    assert result.orders > 0
    assert all(verdict.held for verdict in result.verdicts), result.report
