"""The mock gateway: failure rate, latency, deterministic answers under a seed."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from shop.payment.adapters.mock_gateway import MockGateway

ORDERS = [UUID(int=n) for n in range(1, 401)]


def test_the_same_seed_gives_the_same_answer_per_order() -> None:
    first, second = MockGateway(failure_rate=0.5, seed=7), MockGateway(failure_rate=0.5, seed=7)

    assert [first.decide(o) for o in ORDERS] == [second.decide(o) for o in ORDERS]


def test_the_failure_rate_is_roughly_the_share_of_declines() -> None:
    gateway = MockGateway(failure_rate=0.25, seed=1)

    declined = sum(not gateway.decide(order).approved for order in ORDERS)

    assert 60 <= declined <= 140


@pytest.mark.parametrize(("rate", "approved"), [(0.0, True), (1.0, False)])
def test_rates_of_zero_and_one_always_approve_or_always_decline(
    rate: float, approved: bool
) -> None:
    gateway = MockGateway(failure_rate=rate)

    assert {gateway.decide(uuid4()).approved for _ in range(50)} == {approved}


async def test_charges_wait_for_the_configured_latency() -> None:
    waited: list[float] = []

    async def record_sleep(seconds: float) -> None:
        waited.append(seconds)

    gateway = MockGateway(failure_rate=0.0, latency_seconds=0.3, sleep=record_sleep)

    result = await gateway.charge(uuid4(), Decimal("1.00"), "EUR")
    await gateway.refund(result.reference or "", Decimal("1.00"), "EUR")

    assert result.approved
    assert waited == [0.3, 0.3]


@pytest.mark.parametrize(("rate", "latency"), [(-0.1, 0.0), (1.1, 0.0), (0.5, -1.0)])
def test_bad_settings_are_refused(rate: float, latency: float) -> None:
    with pytest.raises(ValueError, match="must"):
        MockGateway(failure_rate=rate, latency_seconds=latency)
