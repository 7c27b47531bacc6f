from shop.devstack.probes import OrderCounts, OrderRate, parse_order_counts

METRICS = """\
# HELP shop_orders_placed_total Orders placed from checkouts
# TYPE shop_orders_placed_total counter
shop_orders_placed_total 12.0
# HELP shop_saga_outcomes_total Finished order sagas
# TYPE shop_saga_outcomes_total counter
shop_saga_outcomes_total{outcome="confirmed",reason=""} 8.0
shop_saga_outcomes_total{outcome="cancelled",reason="payment-failed"} 2.0
shop_saga_outcomes_total{outcome="cancelled",reason="out-of-stock"} 1.0
# HELP process_cpu_seconds_total CPU
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 3.5
"""


def test_order_counts_add_up_the_saga_outcomes_by_kind() -> None:
    counts = parse_order_counts(METRICS)
    assert counts == OrderCounts(placed=12, confirmed=8, cancelled=3)
    assert counts.finished == 11


def test_rate_is_finished_orders_per_second_over_the_window() -> None:
    rate = OrderRate(window_seconds=10)
    for second, finished in enumerate([0, 5, 10, 20]):
        rate.add(OrderCounts(confirmed=finished), at=100.0 + second)
    assert rate.per_second() == 20 / 3


def test_rate_forgets_samples_older_than_the_window() -> None:
    rate = OrderRate(window_seconds=2)
    rate.add(OrderCounts(confirmed=0), at=0)
    rate.add(OrderCounts(confirmed=100), at=1)
    rate.add(OrderCounts(confirmed=101), at=10)
    rate.add(OrderCounts(confirmed=103), at=11)
    assert rate.per_second() == 2.0


def test_a_restarted_worker_resets_the_rate_instead_of_going_negative() -> None:
    rate = OrderRate()
    rate.add(OrderCounts(confirmed=50), at=0)
    rate.add(OrderCounts(confirmed=2), at=1)
    assert rate.per_second() == 0.0
    rate.add(OrderCounts(confirmed=6), at=3)
    assert rate.per_second() == 2.0
