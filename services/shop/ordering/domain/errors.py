"""Why an ordering operation was refused."""

from __future__ import annotations

from uuid import UUID


class OrderingError(Exception):
    """An ordering rule was broken; the message says which."""


class InvalidOrderError(OrderingError, ValueError):
    """A checkout's terms are inconsistent (no lines, a bad quantity, a wrong total)."""


class OrderNotFoundError(OrderingError, LookupError):
    def __init__(self, order_id: UUID) -> None:
        super().__init__(f"order {order_id} does not exist")
        self.order_id = order_id
