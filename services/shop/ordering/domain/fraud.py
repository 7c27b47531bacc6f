"""Fraud scoring: explainable rules, each adding points and a reason, over the customer's orders.

The score is computed when an order is placed, from the orders the customer placed before it
(ADR 0051); the saga's screening step, once stock is reserved, cancels an order whose score
reaches the threshold (`fraud-suspected`) instead of asking for payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from shop.ordering.domain.order_terms import OrderTerms

VELOCITY_POINTS = 40
AMOUNT_POINTS = 35
NEW_CUSTOMER_POINTS = 45


@dataclass(frozen=True)
class CustomerHistory:
    """What ordering knows of a customer before an order, in the order's currency."""

    recent_orders: int
    """Orders placed within the velocity window (any status)."""
    confirmed_orders: int
    """Confirmed orders, ever."""
    confirmed_total: Decimal
    """Sum of the confirmed orders' totals."""

    @property
    def average_confirmed(self) -> Decimal | None:
        return self.confirmed_total / self.confirmed_orders if self.confirmed_orders else None


@dataclass(frozen=True)
class FraudRules:
    """The rules' parameters and the score from which an order is suspected.

    The defaults take two signals to cancel: high velocity with a new customer's large basket
    (85 points); velocity with a spend spike (75) stays below 80.
    """

    threshold: int = 80
    velocity_window: timedelta = timedelta(minutes=10)
    velocity_limit: int = 10
    amount_factor: Decimal = Decimal(5)
    large_basket_total: Decimal = Decimal(500)

    def __post_init__(self) -> None:
        if self.threshold < 1 or self.velocity_limit < 1:
            raise ValueError("the fraud threshold and velocity limit must be positive")
        if self.velocity_window <= timedelta(0):
            raise ValueError("the velocity window must be positive")
        if self.amount_factor <= 1 or self.large_basket_total <= 0:
            raise ValueError("the amount factor must exceed 1, the large basket total 0")


@dataclass(frozen=True)
class RiskReason:
    rule: str
    points: int
    detail: str


@dataclass(frozen=True)
class RiskAssessment:
    """An order's score, the reasons that make it up, and the threshold it was judged by."""

    score: int
    threshold: int
    reasons: tuple[RiskReason, ...] = ()

    @property
    def suspected(self) -> bool:
        return self.score >= self.threshold

    def explain(self) -> str:
        """`score 85 >= 80: velocity (...); new-customer-large-basket (...)`."""
        comparison = ">=" if self.suspected else "<"
        reasons = "; ".join(f"{r.rule} +{r.points} ({r.detail})" for r in self.reasons)
        return f"score {self.score} {comparison} {self.threshold}" + (
            f": {reasons}" if reasons else ""
        )


def assess(terms: OrderTerms, history: CustomerHistory, rules: FraudRules) -> RiskAssessment:
    """Score an order against its customer's history: the sum of the rules that fire."""
    reasons = tuple(
        reason
        for reason in (
            _velocity(history, rules),
            _amount_spike(terms, history, rules),
            _new_customer_large_basket(terms, history, rules),
        )
        if reason is not None
    )
    return RiskAssessment(sum(r.points for r in reasons), rules.threshold, reasons)


def _velocity(history: CustomerHistory, rules: FraudRules) -> RiskReason | None:
    if history.recent_orders < rules.velocity_limit:
        return None
    minutes = rules.velocity_window.total_seconds() / 60
    detail = (
        f"{history.recent_orders} orders in the last {minutes:g} min (limit {rules.velocity_limit})"
    )
    return RiskReason("velocity", VELOCITY_POINTS, detail)


def _amount_spike(
    terms: OrderTerms, history: CustomerHistory, rules: FraudRules
) -> RiskReason | None:
    average = history.average_confirmed
    if average is None or terms.total <= average * rules.amount_factor:
        return None
    detail = (
        f"total {terms.total} {terms.currency} is over {rules.amount_factor}x the average "
        f"{average:.2f} of {history.confirmed_orders} confirmed orders"
    )
    return RiskReason("amount-vs-history", AMOUNT_POINTS, detail)


def _new_customer_large_basket(
    terms: OrderTerms, history: CustomerHistory, rules: FraudRules
) -> RiskReason | None:
    if history.confirmed_orders or terms.total < rules.large_basket_total:
        return None
    detail = (
        f"no confirmed order yet and a total of {terms.total} {terms.currency} "
        f"(large from {rules.large_basket_total})"
    )
    return RiskReason("new-customer-large-basket", NEW_CUSTOMER_POINTS, detail)
