"""The fraud rules: each adds its points and a reason; the threshold decides the verdict."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from shop.ordering.domain.fraud import CustomerHistory, FraudRules, RiskAssessment, assess
from shop.ordering.domain.order_terms import OrderLine, OrderTerms
from unit.ordering.ordering_builders import MUG

RULES = FraudRules()
REGULAR = CustomerHistory(recent_orders=2, confirmed_orders=4, confirmed_total=Decimal("100.00"))
NEW = CustomerHistory(recent_orders=0, confirmed_orders=0, confirmed_total=Decimal(0))


def order_of(total: str) -> OrderTerms:
    line = OrderLine(MUG, "Mug", 1, Decimal(total))
    return OrderTerms("mallory", None, (line,), Decimal(total), "EUR")


def rules_of(risk: RiskAssessment) -> list[str]:
    return [reason.rule for reason in risk.reasons]


def test_a_regular_customers_usual_order_scores_nothing() -> None:
    risk = assess(order_of("30.00"), REGULAR, RULES)

    assert (risk.score, risk.reasons, risk.suspected) == (0, (), False)
    assert risk.explain() == "score 0 < 80"


def test_many_orders_in_the_window_is_velocity() -> None:
    risk = assess(order_of("30.00"), replace(REGULAR, recent_orders=10), RULES)

    assert (rules_of(risk), risk.score) == (["velocity"], 40)
    assert risk.reasons[0].detail == "10 orders in the last 10 min (limit 10)"


def test_one_order_below_the_velocity_limit_is_not_velocity() -> None:
    assert assess(order_of("30.00"), replace(REGULAR, recent_orders=9), RULES).score == 0


def test_an_order_over_five_times_the_average_is_an_amount_spike() -> None:
    risk = assess(order_of("125.01"), REGULAR, RULES)

    assert (rules_of(risk), risk.score) == (["amount-vs-history"], 35)
    assert "average 25.00 of 4 confirmed orders" in risk.reasons[0].detail


def test_exactly_five_times_the_average_is_not_a_spike() -> None:
    assert assess(order_of("125.00"), REGULAR, RULES).score == 0


def test_a_new_customers_large_basket_counts_and_a_small_one_does_not() -> None:
    large = assess(order_of("500.00"), NEW, RULES)
    small = assess(order_of("499.99"), NEW, RULES)

    assert (rules_of(large), large.score) == (["new-customer-large-basket"], 45)
    assert small.score == 0


def test_a_new_customer_has_no_history_to_spike_against() -> None:
    assert rules_of(assess(order_of("5000.00"), NEW, RULES)) == ["new-customer-large-basket"]


def test_velocity_with_a_new_customers_large_basket_is_suspected_by_default() -> None:
    risk = assess(order_of("900.00"), replace(NEW, recent_orders=12), RULES)

    assert (risk.score, risk.suspected) == (85, True)
    assert risk.explain().startswith("score 85 >= 80: velocity +40 (12 orders")


def test_velocity_with_a_spend_spike_stays_below_the_default_threshold() -> None:
    risk = assess(order_of("400.00"), replace(REGULAR, recent_orders=50), RULES)

    assert (risk.score, risk.suspected) == (75, False)


def test_a_lower_threshold_suspects_a_single_rule() -> None:
    risk = assess(order_of("900.00"), NEW, replace(RULES, threshold=45))

    assert risk.suspected


@pytest.mark.parametrize(
    "changes",
    [{"threshold": 0}, {"velocity_limit": 0}, {"amount_factor": Decimal(1)}],
    ids=["threshold", "velocity-limit", "amount-factor"],
)
def test_rules_refuse_parameters_that_make_no_sense(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must"):
        replace(RULES, **changes)  # type: ignore[arg-type]
