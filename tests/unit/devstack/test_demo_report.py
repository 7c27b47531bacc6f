import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from shop.devstack.demo import DemoOptions, OrderOutcome
from shop.devstack.demo_report import outcome_table, percentile, summary, summary_line

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def finished(
    status: str, start_s: float, saga_ms: float, reason: str | None = None
) -> OrderOutcome:
    checkout = T0 + timedelta(seconds=start_s)
    return OrderOutcome(
        status, reason, uuid4(), checkout, checkout + timedelta(milliseconds=saga_ms)
    )


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.99) == 99
    assert percentile([7.0], 0.99) == 7
    assert percentile([], 0.5) is None


def test_summary_counts_outcomes_and_measures_from_first_checkout_to_last_final_status() -> None:
    outcomes = [
        finished("CONFIRMED", 0, 500),
        finished("CONFIRMED", 1, 300),
        finished("CANCELLED", 2, 1000, "payment-failed"),
        OrderOutcome("UNFINISHED"),
    ]
    assert summary(outcomes) == {
        "orders": 4,
        "confirmed": 2,
        "cancelled": 1,
        "orders_per_s": 1.0,  # 3 finished between 0 s and 3 s
        "saga_p50_ms": 500,
        "saga_p99_ms": 1000,
    }


def test_the_summary_is_exactly_one_json_line_with_the_agreed_keys() -> None:
    line = summary_line([finished("CONFIRMED", 0, 100)])
    assert "\n" not in line
    assert list(json.loads(line)) == [
        "orders",
        "confirmed",
        "cancelled",
        "orders_per_s",
        "saga_p50_ms",
        "saga_p99_ms",
    ]


def test_nothing_finished_gives_no_percentiles_and_no_rate() -> None:
    assert summary([OrderOutcome("FAILED", error="boom")])["saga_p50_ms"] is None
    assert summary([OrderOutcome("FAILED", error="boom")])["orders_per_s"] == 0.0


def test_the_table_has_a_row_per_outcome_and_reason_most_frequent_first() -> None:
    outcomes = [
        finished("CONFIRMED", 0, 400),
        finished("CONFIRMED", 0, 600),
        finished("CANCELLED", 0, 900, "out-of-stock"),
        OrderOutcome("FAILED", error="HTTPStatusError('500')"),
    ]
    rows = outcome_table(outcomes).splitlines()
    assert rows[1].split() == ["CONFIRMED", "2", "50.0%", "400", "600"]
    assert rows[2].split() == ["CANCELLED", "out-of-stock", "1", "25.0%", "900", "900"]
    assert rows[3].split() == ["FAILED", "1", "25.0%", "-", "-"]
    assert rows[-1] == "error: HTTPStatusError('500')"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"orders": 0}, "--orders"),
        ({"rate": 0}, "--rate"),
        ({"payment_failure_rate": 1.2}, "--payment-failure-rate"),
        ({"time_limit_seconds": -1}, "--time-limit"),
    ],
)
def test_demo_options_refuse_out_of_range_values(values: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DemoOptions(**values)  # type: ignore[arg-type]


def test_the_default_time_limit_grows_with_the_pacing_time() -> None:
    assert DemoOptions(orders=300, rate=20).time_limit == 60 + 45
    assert DemoOptions(orders=300, rate=20, time_limit_seconds=10).time_limit == 10
