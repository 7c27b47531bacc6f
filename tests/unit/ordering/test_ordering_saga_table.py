"""The saga's transition table, exhaustively: every (status, message) pair before the deadline.

A pair not listed as a transition must change nothing: that is what makes late and duplicate
replies harmless.
"""

from __future__ import annotations

import pytest

from shop.ordering.domain import messages as m
from shop.ordering.domain.order_terms import CancelReason, Compensation, OrderStatus
from shop.ordering.domain.saga import transition
from shop.ordering.domain.saga_state import SagaState
from unit.ordering.ordering_builders import REPLIES, T0, TIMEOUTS, reply, state

S = OrderStatus
TRANSITIONS: dict[tuple[OrderStatus, type[m.SagaMessage]], OrderStatus] = {
    (S.PENDING, m.StockReserved): S.STOCK_RESERVED,
    (S.PENDING, m.StockReservationFailed): S.CANCELLED,
    (S.STOCK_RESERVED, m.PaymentSucceeded): S.CONFIRMED,
    (S.STOCK_RESERVED, m.PaymentFailed): S.CANCELLED,
}
# A cancelled saga still awaiting both compensations: only their acknowledgements count.
ACKNOWLEDGEMENTS = {m.StockReleased, m.PaymentRefunded}
CASES = [(status, kind) for status in OrderStatus for kind in REPLIES]


def saga_in(status: OrderStatus) -> SagaState:
    if status is OrderStatus.CANCELLED:
        return state(
            status,
            cancel_reason=CancelReason.PAYMENT_TIMED_OUT,
            awaiting=frozenset(Compensation),
        )
    if status is OrderStatus.CONFIRMED:
        return state(status)
    return state(status)


@pytest.mark.parametrize(
    ("status", "kind"), CASES, ids=[f"{s.value}-{k.__name__}" for s, k in CASES]
)
def test_each_message_in_each_state_follows_the_transition_table(
    status: OrderStatus, kind: type[m.SagaMessage]
) -> None:
    before = saga_in(status)

    result = transition(before, reply(kind), T0, TIMEOUTS)

    assert result.state is not None
    if (status, kind) in TRANSITIONS:
        assert result.state.status is TRANSITIONS[(status, kind)]
        assert result.emit
    elif status is OrderStatus.CANCELLED and kind in ACKNOWLEDGEMENTS:
        assert result.state.status is OrderStatus.CANCELLED
        assert len(result.state.awaiting) == len(before.awaiting) - 1
        assert result.emit == ()
    else:
        assert result.state == before
        assert result.emit == ()
        assert result.notes == ()
