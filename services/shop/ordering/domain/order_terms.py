"""What an order is for: the customer, the lines at their sold prices, the total."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from shop.ordering.domain.errors import InvalidOrderError

_CURRENCY = re.compile(r"^[A-Z]{3}$")


class OrderStatus(enum.StrEnum):
    """PENDING -> STOCK_RESERVED -> CONFIRMED; PENDING or STOCK_RESERVED -> CANCELLED.

    The fraud screening runs as PENDING ends: a suspected order goes from PENDING to CANCELLED
    once its stock is reserved, instead of to STOCK_RESERVED."""

    PENDING = "PENDING"
    STOCK_RESERVED = "STOCK_RESERVED"
    CONFIRMED = "CONFIRMED"
    CANCELLED = "CANCELLED"


class CancelReason(enum.StrEnum):
    OUT_OF_STOCK = "out-of-stock"
    PAYMENT_FAILED = "payment-failed"
    STOCK_RESERVATION_TIMED_OUT = "stock-reservation-timed-out"
    PAYMENT_TIMED_OUT = "payment-timed-out"
    FRAUD_SUSPECTED = "fraud-suspected"


class Compensation(enum.StrEnum):
    """An undo command the saga sent and whose acknowledgement it awaits."""

    RELEASE_STOCK = "release-stock"
    REFUND_PAYMENT = "refund-payment"


@dataclass(frozen=True)
class OrderLine:
    product_id: UUID
    name: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class OrderTerms:
    customer_id: str
    email: str | None
    lines: tuple[OrderLine, ...]
    total: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not self.lines:
            raise InvalidOrderError("an order needs at least one line")
        for line in self.lines:
            if isinstance(line.quantity, bool) or line.quantity <= 0:
                raise InvalidOrderError(f"line {line.product_id}: quantity must be positive")
            if line.unit_price < 0:
                raise InvalidOrderError(f"line {line.product_id}: unit price is negative")
        if len({line.product_id for line in self.lines}) != len(self.lines):
            raise InvalidOrderError("an order lists each product once")
        if self.total != sum((line.unit_price * line.quantity for line in self.lines), Decimal(0)):
            raise InvalidOrderError(f"total {self.total} is not the sum of the lines")
        if not _CURRENCY.match(self.currency):
            raise InvalidOrderError(f"currency {self.currency!r} is not an ISO 4217 code")
