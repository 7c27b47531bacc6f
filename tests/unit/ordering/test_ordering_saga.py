"""Every transition of the order saga's state machine."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from shop.ordering.domain import messages as m
from shop.ordering.domain.events import (
    CommitStock,
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    RefundPayment,
    ReleaseStock,
    RequestPayment,
    ReserveStock,
    StockLine,
)
from shop.ordering.domain.order_terms import CancelReason, Compensation, OrderStatus
from shop.ordering.domain.saga import transition
from shop.ordering.domain.saga_state import Note, SagaTimeouts, Transition
from unit.ordering.ordering_builders import (
    MUG,
    ORDER_ID,
    PASSED,
    REPLIES,
    SUSPECTED,
    T0,
    TEA,
    TIMEOUTS,
    checkout,
    reply,
    state,
)

BEFORE_ANY_DEADLINE = T0 + timedelta(seconds=5)
STOCK_LINES = (StockLine(MUG, 2), StockLine(TEA, 1))


def emitted_types(result: Transition) -> list[type]:
    return [type(event) for event in result.emit]


def test_checkout_places_the_order_and_asks_catalog_to_reserve_its_stock() -> None:
    result = transition(None, checkout(), T0, TIMEOUTS)

    assert result.state is not None
    assert result.state.status is OrderStatus.PENDING
    assert result.state.deadline == T0 + TIMEOUTS.stock_reservation
    placed, reserve = result.emit
    assert isinstance(placed, OrderPlaced)
    assert placed.total == Decimal("23.00")
    assert placed.placed_at == T0
    assert reserve == ReserveStock(ORDER_ID, lines=STOCK_LINES)
    assert result.notes == (Note("placed"),)


@pytest.mark.parametrize("kind", [k for k in REPLIES if k is not m.CheckoutReceived])
def test_a_reply_for_an_unknown_order_starts_nothing(kind: type[m.SagaMessage]) -> None:
    result = transition(None, reply(kind), T0, TIMEOUTS)

    assert result.state is None
    assert result.emit == ()


def test_reserved_stock_moves_on_to_taking_payment_for_the_order_total() -> None:
    result = transition(state(OrderStatus.PENDING), reply(m.StockReserved), T0, TIMEOUTS)

    assert result.state is not None
    assert result.state.status is OrderStatus.STOCK_RESERVED
    assert result.state.deadline == T0 + TIMEOUTS.payment
    assert result.emit == (
        RequestPayment(ORDER_ID, customer_id="alice", amount=Decimal("23.00"), currency="EUR"),
    )
    assert result.notes == (Note("stock-reserved"),)


def test_a_checkout_carries_its_fraud_score_into_the_saga() -> None:
    result = transition(None, replace(checkout(), risk=PASSED), T0, TIMEOUTS)

    assert result.state is not None
    assert result.state.risk == PASSED


def test_an_order_that_passes_the_screening_moves_on_to_payment() -> None:
    before = state(OrderStatus.PENDING, risk=PASSED)

    result = transition(before, reply(m.StockReserved), T0, TIMEOUTS)

    assert result.state is not None
    assert result.state.status is OrderStatus.STOCK_RESERVED
    assert emitted_types(result) == [RequestPayment]


def test_a_suspected_order_is_cancelled_and_its_reserved_stock_released() -> None:
    before = state(OrderStatus.PENDING, risk=SUSPECTED)

    result = transition(before, reply(m.StockReserved), T0, TIMEOUTS)

    assert result.state is not None
    assert result.state.status is OrderStatus.CANCELLED
    assert result.state.cancel_reason is CancelReason.FRAUD_SUSPECTED
    assert result.state.awaiting == {Compensation.RELEASE_STOCK}
    release, cancelled = result.emit
    assert release == ReleaseStock(ORDER_ID, lines=STOCK_LINES)
    assert isinstance(cancelled, OrderCancelled)
    assert cancelled.reason == "fraud-suspected"
    assert result.notes == (Note("cancelled", "fraud-suspected: score 85 >= 80"),)


def test_a_suspected_order_out_of_stock_is_cancelled_as_out_of_stock() -> None:
    failed = m.StockReservationFailed(uuid4(), ORDER_ID, reason="out-of-stock")

    result = transition(state(OrderStatus.PENDING, risk=SUSPECTED), failed, T0, TIMEOUTS)

    assert result.state is not None
    assert result.state.cancel_reason is CancelReason.OUT_OF_STOCK
    assert emitted_types(result) == [OrderCancelled]


def test_out_of_stock_cancels_without_releasing_anything() -> None:
    failed = m.StockReservationFailed(uuid4(), ORDER_ID, reason="out-of-stock")

    result = transition(state(OrderStatus.PENDING), failed, T0, TIMEOUTS)

    assert result.state is not None
    assert result.state.status is OrderStatus.CANCELLED
    assert result.state.cancel_reason is CancelReason.OUT_OF_STOCK
    assert result.state.awaiting == frozenset()
    assert result.state.deadline is None
    assert emitted_types(result) == [OrderCancelled]
    assert result.notes == (Note("cancelled", "out-of-stock"),)


def test_successful_payment_confirms_the_order_and_commits_its_stock() -> None:
    result = transition(state(OrderStatus.STOCK_RESERVED), reply(m.PaymentSucceeded), T0, TIMEOUTS)

    assert result.state is not None
    assert result.state.status is OrderStatus.CONFIRMED
    assert result.state.deadline is None
    commit, confirmed = result.emit
    assert commit == CommitStock(ORDER_ID)
    assert isinstance(confirmed, OrderConfirmed)
    assert confirmed.confirmed_at == T0
    assert result.notes == (Note("confirmed"),)


def test_payment_failure_releases_reserved_stock_and_cancels() -> None:
    failed = m.PaymentFailed(uuid4(), ORDER_ID, reason="card-declined")

    result = transition(state(OrderStatus.STOCK_RESERVED), failed, T0, TIMEOUTS)

    assert result.state is not None
    assert result.state.status is OrderStatus.CANCELLED
    assert result.state.cancel_reason is CancelReason.PAYMENT_FAILED
    assert result.state.awaiting == {Compensation.RELEASE_STOCK}
    release, cancelled = result.emit
    assert release == ReleaseStock(ORDER_ID, lines=STOCK_LINES)
    assert isinstance(cancelled, OrderCancelled)
    assert cancelled.reason == "payment-failed"
    assert result.notes == (Note("cancelled", "card-declined"),)


def test_stock_step_timeout_releases_whatever_may_still_be_reserved_and_cancels() -> None:
    late = T0 + TIMEOUTS.stock_reservation

    result = transition(state(OrderStatus.PENDING), reply(m.DeadlineReached), late, TIMEOUTS)

    assert result.state is not None
    assert result.state.status is OrderStatus.CANCELLED
    assert result.state.cancel_reason is CancelReason.STOCK_RESERVATION_TIMED_OUT
    assert result.state.awaiting == {Compensation.RELEASE_STOCK}
    assert emitted_types(result) == [ReleaseStock, OrderCancelled]


def test_payment_step_timeout_releases_stock_refunds_and_cancels() -> None:
    late = T0 + TIMEOUTS.payment + timedelta(seconds=1)

    result = transition(state(OrderStatus.STOCK_RESERVED), reply(m.DeadlineReached), late, TIMEOUTS)

    assert result.state is not None
    assert result.state.cancel_reason is CancelReason.PAYMENT_TIMED_OUT
    assert result.state.awaiting == {Compensation.RELEASE_STOCK, Compensation.REFUND_PAYMENT}
    release, refund, cancelled = result.emit
    assert isinstance(release, ReleaseStock)
    assert refund == RefundPayment(
        ORDER_ID, customer_id="alice", amount=Decimal("23.00"), currency="EUR"
    )
    assert isinstance(cancelled, OrderCancelled)
    assert cancelled.reason == "payment-timed-out"


@pytest.mark.parametrize("status", [OrderStatus.PENDING, OrderStatus.STOCK_RESERVED])
def test_a_timer_firing_before_the_deadline_changes_nothing(status: OrderStatus) -> None:
    before = state(status)

    result = transition(before, reply(m.DeadlineReached), BEFORE_ANY_DEADLINE, TIMEOUTS)

    assert result.state == before
    assert result.emit == ()
    assert result.notes == ()


def test_a_reservation_arriving_after_the_deadline_times_the_order_out_instead() -> None:
    late = T0 + TIMEOUTS.stock_reservation

    result = transition(state(OrderStatus.PENDING), reply(m.StockReserved), late, TIMEOUTS)

    assert result.state is not None
    assert result.state.status is OrderStatus.CANCELLED
    assert emitted_types(result) == [ReleaseStock, OrderCancelled]


def test_a_payment_succeeding_after_the_deadline_is_refunded_and_the_order_cancelled() -> None:
    late = T0 + TIMEOUTS.payment

    result = transition(
        state(OrderStatus.STOCK_RESERVED), reply(m.PaymentSucceeded), late, TIMEOUTS
    )

    assert result.state is not None
    assert result.state.status is OrderStatus.CANCELLED
    assert emitted_types(result) == [ReleaseStock, RefundPayment, OrderCancelled]


def test_release_acknowledgement_completes_the_compensation_once() -> None:
    cancelled = state(
        OrderStatus.CANCELLED,
        cancel_reason=CancelReason.PAYMENT_FAILED,
        awaiting=frozenset({Compensation.RELEASE_STOCK}),
    )

    first = transition(cancelled, reply(m.StockReleased), T0, TIMEOUTS)
    assert first.state is not None
    second = transition(first.state, reply(m.StockReleased), T0, TIMEOUTS)

    assert first.state.awaiting == frozenset()
    assert first.notes == (Note("stock-released"),)
    assert second.state == first.state
    assert second.notes == ()


def test_refund_acknowledgement_completes_the_compensation() -> None:
    cancelled = state(
        OrderStatus.CANCELLED,
        cancel_reason=CancelReason.PAYMENT_TIMED_OUT,
        awaiting=frozenset({Compensation.RELEASE_STOCK, Compensation.REFUND_PAYMENT}),
    )

    result = transition(cancelled, reply(m.PaymentRefunded), T0, TIMEOUTS)

    assert result.state is not None
    assert result.state.awaiting == {Compensation.RELEASE_STOCK}
    assert result.notes == (Note("payment-refunded"),)
    assert result.emit == ()


def test_a_message_for_another_order_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="sent to saga"):
        transition(state(OrderStatus.PENDING), checkout(uuid4()), T0, TIMEOUTS)


def test_timeouts_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        SagaTimeouts(stock_reservation=timedelta(0), payment=timedelta(seconds=1))
