"""The order saga's persisted state, its step timeouts, and the result of one transition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from shop.ordering.domain.events import Outbound
from shop.ordering.domain.fraud import RiskAssessment
from shop.ordering.domain.order_terms import CancelReason, Compensation, OrderStatus, OrderTerms


@dataclass(frozen=True)
class SagaTimeouts:
    """How long each step may take before the saga gives up on it."""

    stock_reservation: timedelta
    payment: timedelta

    def __post_init__(self) -> None:
        if self.stock_reservation <= timedelta(0) or self.payment <= timedelta(0):
            raise ValueError("saga step timeouts must be positive")


@dataclass(frozen=True)
class SagaState:
    """Where one order's saga stands; `deadline` is set while it waits for a reply; `risk` is
    the fraud score of the order as placed (None for orders placed before scoring existed)."""

    order_id: UUID
    terms: OrderTerms
    status: OrderStatus
    deadline: datetime | None
    cancel_reason: CancelReason | None = None
    awaiting: frozenset[Compensation] = frozenset()
    risk: RiskAssessment | None = None


@dataclass(frozen=True)
class Note:
    """A history entry to append: what happened (`kind`) and, optionally, why."""

    kind: str
    detail: str | None = None


@dataclass(frozen=True)
class Transition:
    state: SagaState | None
    emit: tuple[Outbound, ...] = ()
    notes: tuple[Note, ...] = ()

    def then(self, after: Transition) -> Transition:
        return Transition(after.state, self.emit + after.emit, self.notes + after.notes)
