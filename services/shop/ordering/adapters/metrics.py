"""Saga metrics: orders placed, outcomes by reason, how long sagas take to finish, and the
fraud screening's scores and verdicts."""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram

from shop.ordering.adapters.fraud_metrics import FraudMetrics
from shop.ordering.domain.order import Order
from shop.ordering.domain.order_terms import CancelReason, OrderStatus

DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class PrometheusSagaObserver:
    """Counts each order's placement and outcome once, when its status changes to it.

    Every outcome series is exported from the start at 0: `increase()` and `rate()` ignore the
    first sample of a series, so a counter born at 1 would hide the first timeout from the
    saga-timeout alert.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self.placed = Counter(
            "shop_orders_placed", "Orders placed from checkouts", registry=registry
        )
        self.outcomes = Counter(
            "shop_saga_outcomes",
            "Finished order sagas by outcome (confirmed, cancelled) and cancel reason",
            ("outcome", "reason"),
            registry=registry,
        )
        self.outcomes.labels("confirmed", "")
        for reason in CancelReason:
            self.outcomes.labels("cancelled", reason.value)
        self.duration = Histogram(
            "shop_saga_duration_seconds",
            "Time from placing an order to its confirmation or cancellation",
            ("outcome",),
            buckets=DURATION_BUCKETS,
            registry=registry,
        )

        self.fraud = FraudMetrics(registry)

    def changed(self, order: Order, previous: OrderStatus | None, now: datetime) -> None:
        self.fraud.changed(order, previous)
        if previous is None:
            self.placed.inc()
        if order.status == previous or order.status not in (
            OrderStatus.CONFIRMED,
            OrderStatus.CANCELLED,
        ):
            return
        outcome = order.status.value.lower()
        reason = order.cancel_reason.value if order.cancel_reason else ""
        self.outcomes.labels(outcome, reason).inc()
        self.duration.labels(outcome).observe((now - order.placed_at).total_seconds())
