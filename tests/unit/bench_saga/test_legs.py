"""The saga benchmark's legs: an order's recorded times, split into legs that add up to its saga."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from bench.saga_parts import legs

from shop.common.uuid7 import uuid7

pytestmark = pytest.mark.unit

SENT = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)


def _at(ms: int) -> datetime:
    return SENT + timedelta(milliseconds=ms)


def _event(ms: int) -> uuid.UUID:
    return uuid7(int(_at(ms).timestamp() * 1000))


def test_an_event_ids_time_is_its_uuid7_milliseconds() -> None:
    assert legs.uuid7_time(_event(1234)) == _at(1234)


def test_an_orders_legs_add_up_to_its_saga() -> None:
    row = (uuid.uuid4(), _event(4), _at(10), _event(21), _at(25), _at(29), _event(82), _at(90))
    found = legs.order_legs(SENT, row)
    assert found == {
        "checkout": 4.0,
        "to_ordering": 6.0,
        "via_catalog": 11.0,
        "to_ordering_reserved": 4.0,
        "to_payment": 4.0,
        "payment": 53.0,
        "to_ordering_paid": 8.0,
    }
    assert sum(found.values()) == 90.0


def test_the_summary_gives_each_legs_percentiles_and_the_sagas() -> None:
    orders = [({name: float(i) for name, _ in legs.LEGS}, 2.0 * i) for i in range(1, 101)]
    found = legs.summary(orders)
    assert found["orders"] == 100
    assert found["legs"]["payment"] == {"p50_ms": 50.0, "p99_ms": 99.0}
    assert found["saga"] == {"p50_ms": 350.0, "p99_ms": 693.0}
    assert found["seen"] == {"p50_ms": 100.0, "p99_ms": 198.0}
    assert legs.summary([]) == {"orders": 0}


def test_in_parallel_the_longer_branch_counts_with_its_way_back() -> None:
    found = {
        "checkout": 2.0,
        "to_ordering": 6.0,
        "via_catalog": 6.0,
        "to_ordering_reserved": 5.0,
        "to_payment": 4.0,
        "payment": 51.0,
        "to_ordering_paid": 6.0,
    }
    assert legs.parallel(found) == 2 + 6 + (4 + 51 + 6)
    slow_catalog = {**found, "via_catalog": 70.0}
    assert legs.parallel(slow_catalog) == 2 + 6 + (70 + 5)


def test_the_line_shows_the_saga_without_the_gateways_wait() -> None:
    found = legs.summary([({name: 10.0 for name, _ in legs.LEGS}, 3.0)])
    shown = legs.line(found, 102.0, 0.05)
    assert "payment 10" in shown
    assert "seen by the client 3 later" in shown
    assert "waits 50 ms a charge, the saga's p50 without it 52 ms" in shown
