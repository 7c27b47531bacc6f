"""Fraud screening metrics: the score of each placed order and the screening step's verdicts."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

from shop.ordering.domain.order import Order
from shop.ordering.domain.order_terms import CancelReason, OrderStatus

SCORE_BUCKETS = (0, 20, 40, 60, 80, 100, 120)  # the rules add 35 to 45 points each


class FraudMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.score = Histogram(
            "shop_fraud_score",
            "Fraud score of each order as it is placed (points of the rules that fired)",
            buckets=SCORE_BUCKETS,
            registry=registry,
        )
        self.verdicts = Counter(
            "shop_fraud_verdicts",
            "Orders through the fraud screening step (once their stock is reserved), by verdict",
            ("verdict",),
            registry=registry,
        )

    def changed(self, order: Order, previous: OrderStatus | None) -> None:
        """Observe the score at placement and the verdict when the order leaves PENDING."""
        if order.risk is None:
            return
        if previous is None:
            self.score.observe(order.risk.score)
        if previous is not OrderStatus.PENDING:
            return
        if order.status is OrderStatus.STOCK_RESERVED:
            self.verdicts.labels("passed").inc()
        elif order.cancel_reason is CancelReason.FRAUD_SUSPECTED:
            self.verdicts.labels("suspected").inc()
