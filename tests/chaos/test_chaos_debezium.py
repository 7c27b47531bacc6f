"""In Debezium mode the outboxes travel through Kafka Connect: its worker is killed and
restarted under load, then an API and a worker are SIGKILLed; every invariant still holds."""

from __future__ import annotations

import pytest

from chaos.faults import KILL_CONNECT, ChaosStack, sigkill_one_of_each
from chaos.scenario import assert_nothing_lost

pytestmark = [pytest.mark.chaos, pytest.mark.timeout(1200)]  # a stack of its own, then the run
FAULTS = (KILL_CONNECT, sigkill_one_of_each(("api", "worker")))


async def test_nothing_is_lost_when_the_connect_worker_dies_under_load(
    debezium_stack: ChaosStack, capsys: pytest.CaptureFixture[str]
) -> None:
    await assert_nothing_lost(debezium_stack, FAULTS, capsys, title="Debezium outbox", seed=31)
