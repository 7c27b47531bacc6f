"""The payment gateway port: what payment needs from a card processor."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True)
class ChargeResult:
    """A gateway's answer: approved with a reference, or declined with a reason."""

    approved: bool
    reference: str | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.approved and not self.reference:
            raise ValueError("an approved charge needs a gateway reference")
        if not self.approved and not self.reason:
            raise ValueError("a declined charge needs a reason")


class PaymentGateway(Protocol):
    """Charges and refunds; the order id is the idempotency key of a charge."""

    async def charge(self, order_id: UUID, amount: Decimal, currency: str) -> ChargeResult: ...

    async def refund(self, reference: str, amount: Decimal, currency: str) -> None: ...
