"""What customers ask of their cart."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class AddLine:
    customer_id: str
    product_id: UUID
    quantity: int


@dataclass(frozen=True)
class ChangeQuantity:
    customer_id: str
    product_id: UUID
    quantity: int


@dataclass(frozen=True)
class RemoveLine:
    customer_id: str
    product_id: UUID


@dataclass(frozen=True)
class Checkout:
    """Check the cart out; repeating `idempotency_key` returns the first checkout's order."""

    customer_id: str
    idempotency_key: str
    email: str | None = None


Command = AddLine | ChangeQuantity | RemoveLine | Checkout
