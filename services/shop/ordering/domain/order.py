"""The Order aggregate: its saga state and an append-only history of what happened to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from shop.common.aggregate import Aggregate
from shop.ordering.domain.fraud import RiskAssessment
from shop.ordering.domain.messages import CheckoutReceived, SagaMessage
from shop.ordering.domain.order_terms import CancelReason, OrderStatus, OrderTerms
from shop.ordering.domain.saga import transition
from shop.ordering.domain.saga_state import Note, SagaState, SagaTimeouts, Transition


@dataclass(frozen=True)
class HistoryEntry:
    """One thing that happened to an order, and the id of the event that caused it."""

    sequence: int
    kind: str
    status: OrderStatus
    detail: str | None
    cause_event_id: UUID
    at: datetime


@dataclass(eq=False)
class Order(Aggregate):
    """An order placed from a checkout; the saga decides every change of its status."""

    aggregate_type: ClassVar[str] = "order"

    saga: SagaState
    placed_at: datetime
    history: list[HistoryEntry] = field(default_factory=list)

    @classmethod
    def place(cls, message: CheckoutReceived, now: datetime, timeouts: SagaTimeouts) -> Order:
        """Start the saga for a checkout: the order is PENDING until stock is reserved."""
        started = transition(None, message, now, timeouts)
        assert started.state is not None  # a checkout always starts a saga
        order = cls(started.state, now)
        order._record(started, message.event_id, now)
        return order

    @property
    def id(self) -> UUID:
        return self.saga.order_id

    @property
    def status(self) -> OrderStatus:
        return self.saga.status

    @property
    def terms(self) -> OrderTerms:
        return self.saga.terms

    @property
    def cancel_reason(self) -> CancelReason | None:
        return self.saga.cancel_reason

    @property
    def risk(self) -> RiskAssessment | None:
        return self.saga.risk

    def handle(self, message: SagaMessage, now: datetime, timeouts: SagaTimeouts) -> bool:
        """Advance the saga by `message`; True if the order changed (False: late or duplicate)."""
        result = transition(self.saga, message, now, timeouts)
        assert result.state is not None  # an existing saga never disappears
        if result.state == self.saga and not result.emit and not result.notes:
            return False
        self.saga = result.state
        self._record(result, message.event_id, now)
        return True

    def _record(self, result: Transition, cause_event_id: UUID, now: datetime) -> None:
        for event in result.emit:
            self.record(event)
        for note in result.notes:
            self.history.append(self._entry(note, cause_event_id, now))

    def _entry(self, note: Note, cause_event_id: UUID, now: datetime) -> HistoryEntry:
        sequence = self.history[-1].sequence + 1 if self.history else 1
        return HistoryEntry(sequence, note.kind, self.status, note.detail, cause_event_id, now)
