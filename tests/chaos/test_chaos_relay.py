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
from chaos.scenario import assert_nothing_lost

pytestmark = [pytest.mark.chaos, pytest.mark.timeout(1200)]  # a stack of its own, then the run
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
    await assert_nothing_lost(relay_stack, FAULTS, capsys, title="built-in relays", seed=13)
