"""What notification publishes: one event per delivery, sent or given up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from shop.common.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class DeliveryEvent(DomainEvent):
    delivery_id: UUID
    cause_event_id: UUID
    template: str
    channel: str
    recipient: str | None
    attempts: int
    at: datetime


@dataclass(frozen=True, kw_only=True)
class NotificationSent(DeliveryEvent):
    type: ClassVar[str] = "notification.sent"


@dataclass(frozen=True, kw_only=True)
class NotificationFailed(DeliveryEvent):
    type: ClassVar[str] = "notification.failed"

    error: str
