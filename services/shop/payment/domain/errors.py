"""Why a payment operation was refused (domain errors; the API maps them to problems)."""

from __future__ import annotations

from uuid import UUID

from shop.common.errors import NotFoundError, RuleViolationError


class PaymentNotFoundError(NotFoundError):
    code = "payment-not-found"
    title = "Payment not found"

    def __init__(self, order_id: UUID) -> None:
        super().__init__(f"order {order_id} has no payment", orderId=str(order_id))


class InvalidPaymentError(RuleViolationError):
    code = "invalid-payment"
    title = "The payment request is invalid"
