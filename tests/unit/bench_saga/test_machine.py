"""The saga benchmark's pure readings: /proc/stat, schedstat, processes outside the stack."""

from __future__ import annotations

import pytest
from bench.saga_parts import machine
from bench.saga_parts.hops import metric_totals

STAT = """cpu  1000 10 300 5000 40 0 50 5 7 0
cpu0 500 5 150 2500 20 0 25 2 3 0
intr 1 2 3
"""


def test_parse_proc_stat_reads_the_aggregate_line() -> None:
    ticks = machine.parse_proc_stat(STAT)
    assert ticks.fields == {
        "user": 1000,
        "nice": 10,
        "system": 300,
        "idle": 5000,
        "iowait": 40,
        "irq": 0,
        "softirq": 50,
        "steal": 5,
    }


def test_busy_cores_counts_user_system_softirq_and_steal_not_idle_or_iowait() -> None:
    before = machine.parse_proc_stat(STAT)
    hz = machine.TICKS_PER_SECOND
    after = machine.MachineTicks(
        {**before.fields, "user": 1000 + 2 * hz, "softirq": 50 + hz, "idle": 9000, "iowait": 99}
    )
    spent = after.since(before)
    assert spent.busy_cores(2.0) == pytest.approx(1.5)
    assert spent.cores("softirq", 2.0) == pytest.approx(0.5)


def test_parse_proc_stat_without_cpu_line_raises() -> None:
    with pytest.raises(ValueError, match="no aggregate cpu line"):
        machine.parse_proc_stat("intr 1 2\n")


def test_parse_schedstat() -> None:
    assert machine.parse_schedstat("123456 789 42\n") == (123456, 789)


def test_busiest_outside_skips_counted_and_counts_newcomers_whole() -> None:
    before = {1: ("postgres", 5.0), 2: ("java", 10.0), 3: ("dockerd", 1.0)}
    after = {1: ("postgres", 9.0), 2: ("java", 12.5), 3: ("dockerd", 1.0), 4: ("sh", 0.25)}
    assert machine.busiest_outside(before, after, counted={1}) == {"java": 2.5, "sh": 0.25}


def test_busiest_outside_treats_a_reused_pid_as_new() -> None:
    before = {7: ("python", 50.0)}
    after = {7: ("psql", 0.5)}
    assert machine.busiest_outside(before, after, counted=set()) == {"psql": 0.5}


def test_metric_totals_sums_lag_over_partitions_and_reads_relay_figures() -> None:
    page = """# TYPE shop_consumer_lag_messages gauge
shop_consumer_lag_messages{group="payment",partition="0",topic="orders"} 3.0
shop_consumer_lag_messages{group="payment",partition="1",topic="orders"} 4.0
# TYPE shop_consumer_handling_seconds histogram
shop_consumer_handling_seconds_bucket{group="payment",le="+Inf",topic="orders"} 2.0
shop_consumer_handling_seconds_count{group="payment",topic="orders"} 2.0
shop_consumer_handling_seconds_sum{group="payment",topic="orders"} 0.5
# TYPE shop_consumer_failed_attempts counter
shop_consumer_failed_attempts_total{error="Deadlock",group="shop.catalog",topic="o"} 2.0
# TYPE shop_outbox_backlog_rows gauge
shop_outbox_backlog_rows{schema="shop_ordering"} 9.0
"""
    assert metric_totals(page) == {
        ("lag", "payment"): 7.0,
        ("count", "payment"): 2.0,
        ("sum", "payment"): 0.5,
        ("failed", "shop.catalog Deadlock"): 2.0,
        ("backlog", "shop_ordering"): 9.0,
    }
