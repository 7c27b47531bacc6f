"""In Debezium mode the outboxes travel through Kafka Connect: its worker is killed and
restarted under load, then an API and a worker are SIGKILLed; every invariant still holds."""

from __future__ import annotations

import pytest

from chaos.faults import KILL_CONNECT, ChaosStack, sigkill_one_of_each
from chaos.scenario import chaos_run

pytestmark = pytest.mark.chaos
FAULTS = (KILL_CONNECT, sigkill_one_of_each(("api", "worker")))


async def test_nothing_is_lost_when_the_connect_worker_dies_under_load(
    debezium_stack: ChaosStack, capsys: pytest.CaptureFixture[str]
) -> None:
    result = await chaos_run(debezium_stack, FAULTS, title="Debezium outbox", seed=31)
    with capsys.disabled():
        print(f"\n{result.report}\n")
    assert result.orders > 0
    assert all(verdict.held for verdict in result.verdicts), result.report
