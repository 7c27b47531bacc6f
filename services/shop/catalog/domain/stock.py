"""Stock of one product, and reservations of it per order."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from shop.catalog.domain.errors import InsufficientStockError, InvalidStockError
from shop.catalog.domain.events import StockLow
from shop.common.aggregate import Aggregate


def _check_quantity(quantity: int, what: str) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise InvalidStockError(f"{what} must be a positive whole number, not {quantity!r}")


@dataclass(eq=False)
class StockItem(Aggregate):
    """On-hand and reserved units of one product; `available` never goes below zero.

    `reserved` counts units promised to orders that are not yet committed (sold) or released.
    Records `stock.low` when available stock crosses down to the low-stock threshold.
    """

    aggregate_type: ClassVar[str] = "stock"

    product_id: UUID
    on_hand: int = 0
    reserved: int = 0
    low_stock_threshold: int = 0

    def __post_init__(self) -> None:
        if self.on_hand < 0 or self.reserved < 0 or self.low_stock_threshold < 0:
            raise InvalidStockError("stock counts and threshold must not be negative")
        if self.reserved > self.on_hand:
            raise InvalidStockError("reserved units cannot exceed units on hand")

    @property
    def aggregate_id(self) -> str:
        return str(self.product_id)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def receive(self, quantity: int) -> None:
        """Add delivered units."""
        _check_quantity(quantity, "received quantity")
        self.on_hand += quantity

    def count(self, on_hand: int) -> None:
        """Set the units on hand after a stock count; cannot drop below what is reserved."""
        if isinstance(on_hand, bool) or not isinstance(on_hand, int) or on_hand < 0:
            raise InvalidStockError(f"units on hand must be a whole number >= 0, not {on_hand!r}")
        if on_hand < self.reserved:
            raise InvalidStockError(
                f"cannot count {on_hand} units: {self.reserved} are reserved for orders"
            )
        before = self.available
        self.on_hand = on_hand
        self._note_low_stock(before)

    def set_low_stock_threshold(self, threshold: int) -> None:
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
            raise InvalidStockError(f"low-stock threshold must be >= 0, not {threshold!r}")
        self.low_stock_threshold = threshold

    def can_reserve(self, quantity: int) -> bool:
        return quantity <= self.available

    def reserve(self, quantity: int) -> None:
        _check_quantity(quantity, "reserved quantity")
        if not self.can_reserve(quantity):
            raise InsufficientStockError(self.product_id, quantity, self.available)
        before = self.available
        self.reserved += quantity
        self._note_low_stock(before)

    def release(self, quantity: int) -> None:
        """Return reserved units to available stock."""
        _check_quantity(quantity, "released quantity")
        if quantity > self.reserved:
            raise InvalidStockError(
                f"cannot release {quantity} units: only {self.reserved} reserved"
            )
        self.reserved -= quantity

    def commit(self, quantity: int) -> None:
        """Reserved units leave the shop: they are sold."""
        _check_quantity(quantity, "committed quantity")
        if quantity > self.reserved:
            raise InvalidStockError(
                f"cannot commit {quantity} units: only {self.reserved} reserved"
            )
        self.reserved -= quantity
        self.on_hand -= quantity

    def _note_low_stock(self, available_before: int) -> None:
        if available_before > self.low_stock_threshold >= self.available:
            self.record(StockLow(self.product_id, self.available, self.low_stock_threshold))


class ReservationStatus(enum.StrEnum):
    RESERVED = "reserved"
    RELEASED = "released"
    COMMITTED = "committed"


@dataclass(eq=False)
class Reservation:
    """Units of one product held for one order. A released reservation is final: it also
    marks an order whose release arrived before (or instead of) its reservation."""

    order_id: UUID
    product_id: UUID
    quantity: int
    status: ReservationStatus = ReservationStatus.RESERVED
