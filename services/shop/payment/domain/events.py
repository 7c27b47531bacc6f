"""What payment publishes; the Payment records them, keyed by order like the commands it answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from shop.common.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class PaymentEvent(DomainEvent):
    order_id: UUID
    customer_id: str
    amount: Decimal
    currency: str
    at: datetime


@dataclass(frozen=True, kw_only=True)
class PaymentSucceeded(PaymentEvent):
    type: ClassVar[str] = "payment.succeeded"

    reference: str


@dataclass(frozen=True, kw_only=True)
class PaymentFailed(PaymentEvent):
    type: ClassVar[str] = "payment.failed"

    reason: str


@dataclass(frozen=True, kw_only=True)
class PaymentRefunded(PaymentEvent):
    """`amount` is what was given back: zero when nothing had been charged."""

    type: ClassVar[str] = "payment.refunded"
