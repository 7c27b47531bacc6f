"""The order events reports reduce, as far as reports needs them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID


@dataclass(frozen=True)
class SoldLine:
    product_id: UUID
    name: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class OrderEvent:
    event_id: UUID
    order_id: UUID


@dataclass(frozen=True, kw_only=True)
class OrderPlaced(OrderEvent):
    placed_at: datetime


@dataclass(frozen=True, kw_only=True)
class OrderConfirmed(OrderEvent):
    lines: tuple[SoldLine, ...]
    total: Decimal
    currency: str
    confirmed_at: datetime


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(OrderEvent):
    reason: str
    cancelled_at: datetime
