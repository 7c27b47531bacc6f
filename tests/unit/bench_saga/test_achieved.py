"""The saga benchmark's achieved rate: completions per second, apart from the saga's latency."""

from __future__ import annotations

import pytest
from bench.saga_parts import cpu
from bench.saga_parts.steps import Outcome, StepResult

pytestmark = pytest.mark.unit


def _step(rate: float, latencies: list[float]) -> StepResult:
    outcomes = [
        Outcome("CONFIRMED", started=i / rate, saga_ms=latency * 1000, finished=i / rate + latency)
        for i, latency in enumerate(latencies)
    ]
    return StepResult(rate, outcomes, cpu.CpuSample(0.0, 0.0, {}), [0.0] * 3, [0.0] * 3, True)


def test_a_stack_keeping_up_achieves_the_offered_rate_whatever_its_latency() -> None:
    step = _step(50, [0.4] * 200)
    assert step.achieved == pytest.approx(50)
    assert step.achieved_since_first_start == pytest.approx(200 / (199 / 50 + 0.4))
    assert step.achieved_since_first_start < 0.95 * 50


def test_a_stack_falling_behind_achieves_less_than_offered() -> None:
    # each saga waits 10 ms more than the one before: a queue growing at a fifth of the rate
    step = _step(50, [0.05 + 0.01 * i for i in range(200)])
    assert step.achieved == pytest.approx(199 / (199 / 50 + 1.99))
    assert not step.sustainable


def test_unfinished_orders_do_not_count_and_fail_the_step() -> None:
    step = _step(10, [0.1] * 20)
    unfinished = Outcome("UNFINISHED", started=2.0)
    late = StepResult(10, [*step.outcomes, unfinished], step.cpu, [0.0] * 3, [0.0] * 3, False)
    assert late.achieved == pytest.approx(10)
    assert not late.sustainable
