"""The saga's transition table, exhaustively: every (status, message) pair before the deadline,
for an unscored order, one that passes the fraud screening and one that is suspected.

A pair not listed as a transition must change nothing: that is what makes late and duplicate
replies harmless.
"""

from __future__ import annotations

import pytest

from shop.ordering.domain import messages as m
from shop.ordering.domain.fraud import RiskAssessment
from shop.ordering.domain.order_terms import CancelReason, Compensation, OrderStatus
from shop.ordering.domain.saga import CONFIRMING, transition
from shop.ordering.domain.saga_state import SagaState
from unit.ordering.ordering_builders import (
    PASSED,
    REPLIES,
    SUSPECTED,
    T0,
    TIMEOUTS,
    reply,
    state,
)

S = OrderStatus
TRANSITIONS: dict[tuple[OrderStatus, type[m.SagaMessage]], OrderStatus] = {
    (S.PENDING, m.StockReserved): S.STOCK_RESERVED,
    (S.PENDING, m.StockReservationFailed): S.CANCELLED,
    (S.STOCK_RESERVED, m.PaymentSucceeded): S.CONFIRMED,
    (S.STOCK_RESERVED, m.PaymentFailed): S.CANCELLED,
}
# The screening step: a suspected order's reserved stock cancels it (and releases the stock).
SUSPECTED_TRANSITIONS: dict[tuple[OrderStatus, type[m.SagaMessage]], OrderStatus] = {
    **TRANSITIONS,
    (S.PENDING, m.StockReserved): S.CANCELLED,
}
# A cancelled saga still awaiting both compensations: only their acknowledgements count.
ACKNOWLEDGEMENTS = {m.StockReleased, m.PaymentRefunded}
SCREENINGS: dict[str, RiskAssessment | None] = {
    "unscored": None,
    "passed": PASSED,
    "suspected": SUSPECTED,
}
CASES = [
    (status, kind, screening)
    for status in OrderStatus
    for kind in REPLIES
    for screening in SCREENINGS
]


def saga_in(status: OrderStatus, risk: RiskAssessment | None) -> SagaState:
    if status is OrderStatus.CANCELLED:
        return state(
            status,
            cancel_reason=CancelReason.PAYMENT_TIMED_OUT,
            awaiting=frozenset(Compensation),
            risk=risk,
        )
    return state(status, risk=risk)


@pytest.mark.parametrize(
    ("status", "kind", "screening"),
    CASES,
    ids=[f"{s.value}-{k.__name__}-{screening}" for s, k, screening in CASES],
)
def test_each_message_in_each_state_follows_the_transition_table(
    status: OrderStatus, kind: type[m.SagaMessage], screening: str
) -> None:
    risk = SCREENINGS[screening]
    table = SUSPECTED_TRANSITIONS if risk is not None and risk.suspected else TRANSITIONS
    before = saga_in(status, risk)

    result = transition(before, reply(kind), T0, TIMEOUTS)

    assert result.state is not None
    assert result.state.risk == risk
    if (status, kind) in table:
        assert result.state.status is table[(status, kind)]
        assert result.emit
    elif status is OrderStatus.CANCELLED and kind in ACKNOWLEDGEMENTS:
        assert result.state.status is OrderStatus.CANCELLED
        assert len(result.state.awaiting) == len(before.awaiting) - 1
        assert result.emit == ()
    else:
        assert result.state == before
        assert result.emit == ()
        assert result.notes == ()


def test_the_messages_that_confirm_an_order_are_those_a_chunk_locks_totals_for() -> None:
    """A chunk locks its customers' totals only for `CONFIRMING` messages (ADR 0065): no other
    message may confirm an order, or concurrent chunks could deadlock on the totals again."""
    confirming = {
        kind
        for table in (TRANSITIONS, SUSPECTED_TRANSITIONS)
        for (_, kind), status in table.items()
        if status is OrderStatus.CONFIRMED
    }
    assert confirming == CONFIRMING
