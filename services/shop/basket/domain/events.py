"""Facts the basket publishes; the unit of work writes them to the basket's outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from shop.common.events import DomainEvent


@dataclass(frozen=True)
class OrderLine:
    """One product of a checked-out cart, at the price it was sold at."""

    product_id: UUID
    name: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class BasketCheckedOut(DomainEvent):
    """A cart became an order (`order_id`); ordering starts the order saga from it."""

    type: ClassVar[str] = "basket.checked-out"
    order_id: UUID
    customer_id: str
    email: str | None
    lines: tuple[OrderLine, ...]
    total: Decimal
    currency: str
    checked_out_at: datetime
