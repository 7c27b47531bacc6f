"""The order saga as a pure state machine: `transition(state, message, now) -> Transition`.

reserve stock -> screen for fraud -> take payment -> confirm. Out of stock cancels; an order
whose fraud score (computed as it is placed) reaches the threshold is cancelled once its stock
is reserved, releasing it; a failed payment releases the stock and cancels. Each waiting step
has a deadline: a message handled at or after it first times the step out (release stock,
refund if the payment step was waiting, cancel), so the outcome never depends on how late the
timer runs. Late and duplicate replies change nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import TypedDict

from shop.ordering.domain import messages as m
from shop.ordering.domain.events import (
    CommitStock,
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    Outbound,
    RefundPayment,
    ReleaseStock,
    RequestPayment,
    ReserveStock,
    StockLine,
)
from shop.ordering.domain.fraud import RiskAssessment
from shop.ordering.domain.order_terms import (
    CancelReason,
    Compensation,
    OrderLine,
    OrderStatus,
    OrderTerms,
)
from shop.ordering.domain.saga_state import Note, SagaState, SagaTimeouts, Transition

WAITING = frozenset({OrderStatus.PENDING, OrderStatus.STOCK_RESERVED})
CONFIRMING: frozenset[type[m.SagaMessage]] = frozenset({m.PaymentSucceeded})
"""The messages whose transition can confirm an order (and so count it in its customer's
totals): a chunk locks the totals of their orders' customers first (`chunk_locks`)."""

# What was possibly done, and must be undone, when the saga cancels for each reason.
UNDO: dict[CancelReason, tuple[Compensation, ...]] = {
    CancelReason.OUT_OF_STOCK: (),  # a reservation is all-or-nothing: nothing is held
    CancelReason.PAYMENT_FAILED: (Compensation.RELEASE_STOCK,),
    CancelReason.FRAUD_SUSPECTED: (Compensation.RELEASE_STOCK,),  # screened once reserved
    # The step's reply may still come: the undo command follows its request on the same
    # partition, so it is applied after it.
    CancelReason.STOCK_RESERVATION_TIMED_OUT: (Compensation.RELEASE_STOCK,),
    CancelReason.PAYMENT_TIMED_OUT: (Compensation.RELEASE_STOCK, Compensation.REFUND_PAYMENT),
}


def transition(
    state: SagaState | None, message: m.SagaMessage, now: datetime, timeouts: SagaTimeouts
) -> Transition:
    """The saga's next state and what to publish, for `message` handled at `now`."""
    if state is None:
        if isinstance(message, m.CheckoutReceived):
            return _start(message, now, timeouts)
        return Transition(None)
    if message.order_id != state.order_id:
        raise ValueError(f"message for order {message.order_id} sent to saga {state.order_id}")
    expired = _expire(state, now)
    current = expired.state or state
    return expired.then(_react(current, message, now, timeouts))


def _start(message: m.CheckoutReceived, now: datetime, timeouts: SagaTimeouts) -> Transition:
    terms = message.terms
    state = SagaState(
        message.order_id,
        terms,
        OrderStatus.PENDING,
        now + timeouts.stock_reservation,
        risk=message.risk,
    )
    placed = OrderPlaced(message.order_id, placed_at=now, **_terms(terms))
    reserve = ReserveStock(message.order_id, lines=_stock_lines(terms))
    return Transition(state, (placed, reserve), (Note("placed"),))


def _expire(state: SagaState, now: datetime) -> Transition:
    if state.status not in WAITING or state.deadline is None or now < state.deadline:
        return Transition(state)
    if state.status is OrderStatus.PENDING:
        return _cancel(state, CancelReason.STOCK_RESERVATION_TIMED_OUT, None, now)
    return _cancel(state, CancelReason.PAYMENT_TIMED_OUT, None, now)


def _react(
    state: SagaState, message: m.SagaMessage, now: datetime, timeouts: SagaTimeouts
) -> Transition:
    match state.status, message:
        case OrderStatus.PENDING, m.StockReserved() if state.risk and state.risk.suspected:
            return _cancel(state, CancelReason.FRAUD_SUSPECTED, _suspicion(state.risk), now)
        case OrderStatus.PENDING, m.StockReserved():
            reserved = replace(
                state, status=OrderStatus.STOCK_RESERVED, deadline=now + timeouts.payment
            )
            pay = RequestPayment(
                state.order_id,
                customer_id=state.terms.customer_id,
                amount=state.terms.total,
                currency=state.terms.currency,
            )
            return Transition(reserved, (pay,), (Note("stock-reserved"),))
        case OrderStatus.PENDING, m.StockReservationFailed(reason=reason):
            return _cancel(state, CancelReason.OUT_OF_STOCK, reason, now)
        case OrderStatus.STOCK_RESERVED, m.PaymentSucceeded():
            confirmed = replace(state, status=OrderStatus.CONFIRMED, deadline=None)
            confirm = OrderConfirmed(state.order_id, confirmed_at=now, **_terms(state.terms))
            return Transition(
                confirmed, (CommitStock(state.order_id), confirm), (Note("confirmed"),)
            )
        case OrderStatus.STOCK_RESERVED, m.PaymentFailed(reason=reason):
            return _cancel(state, CancelReason.PAYMENT_FAILED, reason, now)
        case OrderStatus.CANCELLED, m.StockReleased():
            return _acknowledge(state, Compensation.RELEASE_STOCK, "stock-released")
        case OrderStatus.CANCELLED, m.PaymentRefunded():
            return _acknowledge(state, Compensation.REFUND_PAYMENT, "payment-refunded")
    return Transition(state)


def _cancel(
    state: SagaState, reason: CancelReason, detail: str | None, now: datetime
) -> Transition:
    undo = UNDO[reason]
    cancelled = replace(
        state,
        status=OrderStatus.CANCELLED,
        deadline=None,
        cancel_reason=reason,
        awaiting=frozenset(undo),
    )
    commands = tuple(_compensation(state, step) for step in undo)
    event = OrderCancelled(
        state.order_id, reason=reason.value, cancelled_at=now, **_terms(state.terms)
    )
    return Transition(cancelled, (*commands, event), (Note("cancelled", detail or reason.value),))


def _suspicion(risk: RiskAssessment) -> str:
    """The cancellation's history detail: the score, not the rules (customers read it)."""
    return f"{CancelReason.FRAUD_SUSPECTED.value}: score {risk.score} >= {risk.threshold}"


def _acknowledge(state: SagaState, step: Compensation, kind: str) -> Transition:
    if step not in state.awaiting:
        return Transition(state)
    return Transition(replace(state, awaiting=state.awaiting - {step}), (), (Note(kind),))


def _compensation(state: SagaState, step: Compensation) -> Outbound:
    if step is Compensation.RELEASE_STOCK:
        return ReleaseStock(state.order_id, lines=_stock_lines(state.terms))
    terms = state.terms
    return RefundPayment(
        state.order_id, customer_id=terms.customer_id, amount=terms.total, currency=terms.currency
    )


def _stock_lines(terms: OrderTerms) -> tuple[StockLine, ...]:
    return tuple(StockLine(line.product_id, line.quantity) for line in terms.lines)


class _TermFields(TypedDict):
    customer_id: str
    email: str | None
    lines: tuple[OrderLine, ...]
    total: Decimal
    currency: str


def _terms(terms: OrderTerms) -> _TermFields:
    return {
        "customer_id": terms.customer_id,
        "email": terms.email,
        "lines": terms.lines,
        "total": terms.total,
        "currency": terms.currency,
    }
