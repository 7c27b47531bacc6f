"""What notification is asked to do: manage templates, and notify about events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from uuid import UUID


@dataclass(frozen=True)
class PutTemplate:
    """Create the template, or replace the one of the same name."""

    name: str
    event_type: str
    subject: str
    body: str


@dataclass(frozen=True)
class DeleteTemplate:
    name: str


@dataclass(frozen=True)
class Notify:
    """An event customers hear about (order.confirmed, order.cancelled, payment.failed)."""

    event_id: UUID
    event_type: str
    order_id: UUID | None
    data: Mapping[str, object] = field(default_factory=dict)
    defined: frozenset[str] = frozenset()
    """The fields the event's type defines: those `data` omits are null, not unknown."""


Command = PutTemplate | DeleteTemplate | Notify
