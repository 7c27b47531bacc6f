"""The saga's payment commands, as payment understands them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID


@dataclass(frozen=True)
class RequestPayment:
    order_id: UUID
    customer_id: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class RefundPayment:
    """Refund what was charged for the order; nothing charged means nothing may be later."""

    order_id: UUID
    customer_id: str
    amount: Decimal
    currency: str


Command = RequestPayment | RefundPayment
