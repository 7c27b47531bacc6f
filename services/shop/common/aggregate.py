"""Aggregates collect the domain events their changes raise; the unit of work drains them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from shop.common.events import DomainEvent


@dataclass(frozen=True)
class RecordedEvent:
    """A domain event with the moment its aggregate raised it."""

    event: DomainEvent
    occurred_at: datetime


class Aggregate:
    """Mixin for aggregate roots (plain classes, mapped by the context's adapters).

    Subclasses set `aggregate_type` and expose their identity through `aggregate_id`. Objects
    loaded by SQLAlchemy skip `__init__`, so the pending list is created on first use.
    """

    aggregate_type: ClassVar[str]

    @property
    def aggregate_id(self) -> str:
        """The identity used as Kafka key and outbox `aggregateid`; default: `self.id`."""
        return str(getattr(self, "id"))  # noqa: B009 - `id` is declared by subclasses

    def record(self, event: DomainEvent) -> None:
        """Raise a domain event; it is written to the outbox when the unit of work commits."""
        self._pending().append(RecordedEvent(event, datetime.now(UTC)))

    @property
    def pending_events(self) -> tuple[RecordedEvent, ...]:
        return tuple(self._pending())

    def drain_events(self) -> list[RecordedEvent]:
        """Hand over and forget the pending events (called by the unit of work)."""
        pending = self._pending()
        drained = list(pending)
        pending.clear()
        return drained

    def _pending(self) -> list[RecordedEvent]:
        try:
            pending: list[RecordedEvent] = self.__dict__["_shop_pending_events"]
        except KeyError:
            pending = []
            self.__dict__["_shop_pending_events"] = pending
        return pending
