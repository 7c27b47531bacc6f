"""The delivery log: one entry per (event, template), sent or failed."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from shop.common.aggregate import Aggregate
from shop.notification.domain.events import NotificationFailed, NotificationSent


class DeliveryStatus(enum.StrEnum):
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class OutgoingMessage:
    """A rendered message on its way to a channel."""

    recipient: str
    subject: str
    body: str


@dataclass(eq=False)
class Delivery(Aggregate):
    """A log entry: which message went (or failed to go) where, because of which event."""

    aggregate_type: ClassVar[str] = "notification"

    id: UUID
    cause_event_id: UUID
    template: str
    channel: str
    recipient: str | None
    subject: str
    body: str
    status: DeliveryStatus
    attempts: int
    error: str | None
    created_at: datetime

    @classmethod
    def log(
        cls,
        *,
        delivery_id: UUID,
        cause_event_id: UUID,
        template: str,
        channel: str,
        recipient: str | None,
        subject: str,
        body: str,
        attempts: int,
        error: str | None,
        now: datetime,
    ) -> Delivery:
        """Log the outcome: sent when there is no error, failed otherwise."""
        status = DeliveryStatus.SENT if error is None else DeliveryStatus.FAILED
        delivery = cls(
            delivery_id,
            cause_event_id,
            template,
            channel,
            recipient,
            subject,
            body,
            status,
            attempts,
            error,
            now,
        )
        if error is None:
            delivery.record(
                NotificationSent(
                    delivery_id=delivery_id,
                    cause_event_id=cause_event_id,
                    template=template,
                    channel=channel,
                    recipient=recipient,
                    attempts=attempts,
                    at=now,
                )
            )
        else:
            delivery.record(
                NotificationFailed(
                    delivery_id=delivery_id,
                    cause_event_id=cause_event_id,
                    template=template,
                    channel=channel,
                    recipient=recipient,
                    attempts=attempts,
                    at=now,
                    error=error,
                )
            )
        return delivery
