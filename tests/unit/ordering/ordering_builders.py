"""Builders for ordering unit tests: terms, saga states and messages at fixed times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from shop.ordering.domain import messages as m
from shop.ordering.domain.fraud import RiskAssessment, RiskReason
from shop.ordering.domain.order_terms import (
    CancelReason,
    Compensation,
    OrderLine,
    OrderStatus,
    OrderTerms,
)
from shop.ordering.domain.saga_state import SagaState, SagaTimeouts

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
TIMEOUTS = SagaTimeouts(stock_reservation=timedelta(seconds=30), payment=timedelta(seconds=60))
ORDER_ID = UUID("00000000-0000-4000-8000-000000000001")
MUG = UUID("00000000-0000-4000-8000-0000000000aa")
TEA = UUID("00000000-0000-4000-8000-0000000000bb")


def terms() -> OrderTerms:
    lines = (
        OrderLine(MUG, "Mug", 2, Decimal("9.50")),
        OrderLine(TEA, "Tea", 1, Decimal("4.00")),
    )
    return OrderTerms("alice", "alice@example.com", lines, Decimal("23.00"), "EUR")


def checkout(order_id: UUID = ORDER_ID) -> m.CheckoutReceived:
    return m.CheckoutReceived(uuid4(), order_id, terms=terms(), checked_out_at=T0)


def state(
    status: OrderStatus,
    *,
    cancel_reason: CancelReason | None = None,
    awaiting: frozenset[Compensation] = frozenset(),
    risk: RiskAssessment | None = None,
) -> SagaState:
    """A saga of the test order in `status`, waiting steps with their deadline from T0."""
    deadlines = {
        OrderStatus.PENDING: T0 + TIMEOUTS.stock_reservation,
        OrderStatus.STOCK_RESERVED: T0 + TIMEOUTS.payment,
    }
    return SagaState(
        ORDER_ID,
        terms(),
        status,
        deadlines.get(status),
        cancel_reason,
        frozenset(awaiting),
        risk,
    )


PASSED = RiskAssessment(40, 80, (RiskReason("velocity", 40, "12 orders in the last 10 min"),))
SUSPECTED = RiskAssessment(
    85,
    80,
    (*PASSED.reasons, RiskReason("new-customer-large-basket", 45, "no confirmed order yet")),
)


def reply(kind: type[m.SagaMessage]) -> m.SagaMessage:
    """A reply of `kind` for the test order, with a fresh event id."""
    if kind is m.StockReservationFailed:
        return m.StockReservationFailed(uuid4(), ORDER_ID, reason="out-of-stock")
    if kind is m.PaymentFailed:
        return m.PaymentFailed(uuid4(), ORDER_ID, reason="card-declined")
    if kind is m.CheckoutReceived:
        return checkout()
    return kind(uuid4(), ORDER_ID)


REPLIES: tuple[type[m.SagaMessage], ...] = (
    m.CheckoutReceived,
    m.StockReserved,
    m.StockReservationFailed,
    m.StockReleased,
    m.PaymentSucceeded,
    m.PaymentFailed,
    m.PaymentRefunded,
    m.DeadlineReached,
)
