"""A payment per order: charged once, refunded at most once."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import ClassVar, TypedDict
from uuid import UUID

from shop.common.aggregate import Aggregate
from shop.payment.domain.errors import InvalidPaymentError
from shop.payment.domain.events import (
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
)
from shop.payment.domain.gateway import ChargeResult


class PaymentStatus(enum.StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"
    # Refund requested before (or instead of) a successful charge: nothing may be charged later.
    VOIDED = "voided"


@dataclass(eq=False)
class Payment(Aggregate):
    """The payment of one order (its identity): charged once, refunded at most once."""

    aggregate_type: ClassVar[str] = "payment"

    order_id: UUID
    customer_id: str
    amount: Decimal
    currency: str
    status: PaymentStatus
    reference: str | None = None
    failure_reason: str | None = None
    refunded_amount: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if not self.amount.is_finite() or self.amount < 0:
            raise InvalidPaymentError(f"amount {self.amount} must be a decimal >= 0")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise InvalidPaymentError(f"currency {self.currency!r} is not an ISO 4217 code")

    @property
    def aggregate_id(self) -> str:
        return str(self.order_id)

    @classmethod
    def charged(
        cls,
        order_id: UUID,
        customer_id: str,
        amount: Decimal,
        currency: str,
        result: ChargeResult,
        now: datetime,
    ) -> Payment:
        """The payment after the gateway answered a charge."""
        status = PaymentStatus.SUCCEEDED if result.approved else PaymentStatus.FAILED
        payment = cls(
            order_id, customer_id, amount, currency, status, result.reference, result.reason
        )
        if result.approved and result.reference is not None:
            payment.record(PaymentSucceeded(reference=result.reference, **payment._facts(now)))
        else:
            payment.record(PaymentFailed(reason=result.reason or "", **payment._facts(now)))
        return payment

    @classmethod
    def voided(
        cls, order_id: UUID, customer_id: str, amount: Decimal, currency: str, now: datetime
    ) -> Payment:
        """A refund for an order never charged: answer it, and refuse any later charge."""
        payment = cls(order_id, customer_id, amount, currency, PaymentStatus.VOIDED)
        payment.record(PaymentRefunded(**payment._facts(now, amount=Decimal(0))))
        return payment

    @property
    def refundable(self) -> bool:
        """True when the gateway holds money of this payment."""
        return self.status is PaymentStatus.SUCCEEDED

    def refund(self, now: datetime) -> None:
        """Give back what was charged; a failed payment is voided. Repeats change nothing."""
        if self.status is PaymentStatus.SUCCEEDED:
            self.status, self.refunded_amount = PaymentStatus.REFUNDED, self.amount
        elif self.status is PaymentStatus.FAILED:
            self.status = PaymentStatus.VOIDED
        else:
            return
        self.record(PaymentRefunded(**self._facts(now, amount=self.refunded_amount)))

    def _facts(self, now: datetime, amount: Decimal | None = None) -> _Facts:
        return {
            "order_id": self.order_id,
            "customer_id": self.customer_id,
            "amount": self.amount if amount is None else amount,
            "currency": self.currency,
            "at": now,
        }


class _Facts(TypedDict):
    order_id: UUID
    customer_id: str
    amount: Decimal
    currency: str
    at: datetime
