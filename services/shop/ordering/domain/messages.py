"""What the order saga reacts to: replies from catalog and payment, checkouts, and its timer.

Each message carries the id of the event it came from (`event_id`), recorded as the cause of
the history entries it produces.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from shop.ordering.domain.fraud import RiskAssessment
from shop.ordering.domain.order_terms import OrderTerms


@dataclass(frozen=True)
class SagaMessage:
    event_id: UUID
    order_id: UUID


@dataclass(frozen=True, kw_only=True)
class CheckoutReceived(SagaMessage):
    """basket.checked-out: starts the saga. `risk` is the order's fraud score, which ordering
    adds from the customer's earlier orders before the saga starts (none: not screened)."""

    terms: OrderTerms
    checked_out_at: datetime
    risk: RiskAssessment | None = None


@dataclass(frozen=True)
class StockReserved(SagaMessage):
    pass


@dataclass(frozen=True, kw_only=True)
class StockReservationFailed(SagaMessage):
    reason: str


@dataclass(frozen=True)
class StockReleased(SagaMessage):
    pass


@dataclass(frozen=True)
class PaymentSucceeded(SagaMessage):
    pass


@dataclass(frozen=True, kw_only=True)
class PaymentFailed(SagaMessage):
    reason: str


@dataclass(frozen=True)
class PaymentRefunded(SagaMessage):
    pass


@dataclass(frozen=True)
class DeadlineReached(SagaMessage):
    """The saga timer found the order's current step past its deadline."""
