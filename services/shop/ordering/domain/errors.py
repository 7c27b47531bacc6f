"""Why an ordering operation was refused (domain errors; the API maps them to problems)."""

from __future__ import annotations

from uuid import UUID

from shop.common.errors import NotFoundError, RuleViolationError


class InvalidOrderError(RuleViolationError):
    """A checkout's terms are inconsistent (no lines, a bad quantity, a wrong total)."""

    code = "invalid-order"
    title = "The order is invalid"


class OrderNotFoundError(NotFoundError):
    code = "order-not-found"
    title = "Order not found"

    def __init__(self, order_id: UUID) -> None:
        super().__init__(f"order {order_id} does not exist", orderId=str(order_id))
