"""One order's reservation: all of its lines are reserved, or none is.

Reserve, release and commit are idempotent per order and product. A release is final: a
reservation request that arrives after the order's release (say, replayed from a dead-letter
queue) is refused instead of holding stock for a cancelled order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from typing import ClassVar
from uuid import UUID

from shop.catalog.domain.errors import InvalidStockError, ProductNotFoundError
from shop.catalog.domain.events import (
    Shortage,
    StockLine,
    StockReleased,
    StockReservationFailed,
    StockReserved,
)
from shop.catalog.domain.stock import Reservation, ReservationStatus, StockItem
from shop.common.aggregate import Aggregate

OUT_OF_STOCK = "out-of-stock"
UNAVAILABLE = "unavailable"
ALREADY_RELEASED = "already-released"


def merge_lines(lines: Iterable[StockLine]) -> dict[UUID, int]:
    """Quantities per product, adding up repeated products; refuses empty orders."""
    merged: dict[UUID, int] = {}
    for line in lines:
        if isinstance(line.quantity, bool) or line.quantity <= 0:
            raise InvalidStockError(f"line for {line.product_id} must have a positive quantity")
        merged[line.product_id] = merged.get(line.product_id, 0) + line.quantity
    if not merged:
        raise InvalidStockError("an order reservation needs at least one line")
    return dict(sorted(merged.items()))


@dataclass(eq=False)
class OrderReservation(Aggregate):
    """The reservations of one order, one per product."""

    aggregate_type: ClassVar[str] = "reservation"

    order_id: UUID
    lines: dict[UUID, Reservation] = field(default_factory=dict)

    @property
    def aggregate_id(self) -> str:
        return str(self.order_id)

    def reserve(
        self, requested: Iterable[StockLine], stock: Mapping[UUID, StockItem], sellable: Set[UUID]
    ) -> None:
        """Reserve every line, or none and record why (`stock.reservation-failed`)."""
        wanted = merge_lines(requested)
        if self.lines:
            if any(r.status is ReservationStatus.RELEASED for r in self.lines.values()):
                self._fail(ALREADY_RELEASED, ())
            return  # reserved before: a duplicate request changes nothing
        shortages = tuple(
            shortage
            for product_id, quantity in wanted.items()
            if (shortage := _shortage(product_id, quantity, stock, sellable)) is not None
        )
        if shortages:
            all_short = all(s.reason == OUT_OF_STOCK for s in shortages)
            reason = OUT_OF_STOCK if all_short else UNAVAILABLE
            self._fail(reason, shortages)
            return
        for product_id, quantity in wanted.items():
            stock[product_id].reserve(quantity)
            self.lines[product_id] = Reservation(self.order_id, product_id, quantity)
        self.record(StockReserved(self.order_id, lines=_as_lines(wanted)))

    def release(self, products: Iterable[UUID], stock: Mapping[UUID, StockItem]) -> None:
        """Give reserved units back; products never reserved are marked released too."""
        released: dict[UUID, int] = {}
        changed = False
        for product_id in sorted({*products, *self.lines}):
            reservation = self.lines.get(product_id)
            if reservation is None:
                self.lines[product_id] = Reservation(
                    self.order_id, product_id, 0, ReservationStatus.RELEASED
                )
                changed = True
            elif reservation.status is ReservationStatus.RESERVED:
                _stock_of(stock, product_id).release(reservation.quantity)
                reservation.status = ReservationStatus.RELEASED
                released[product_id] = reservation.quantity
                changed = True
        if changed:
            self.record(StockReleased(self.order_id, lines=_as_lines(released)))

    def commit(self, stock: Mapping[UUID, StockItem]) -> None:
        """The order was paid: its reserved units are sold."""
        for product_id, reservation in sorted(self.lines.items()):
            if reservation.status is ReservationStatus.RESERVED:
                _stock_of(stock, product_id).commit(reservation.quantity)
                reservation.status = ReservationStatus.COMMITTED

    def _fail(self, reason: str, shortages: tuple[Shortage, ...]) -> None:
        self.record(StockReservationFailed(self.order_id, reason=reason, shortages=shortages))


def _shortage(
    product_id: UUID, quantity: int, stock: Mapping[UUID, StockItem], sellable: Set[UUID]
) -> Shortage | None:
    item = stock.get(product_id)
    if item is None:
        return Shortage(product_id, quantity, 0, "unknown-product")
    if product_id not in sellable:
        return Shortage(product_id, quantity, item.available, "inactive")
    if not item.can_reserve(quantity):
        return Shortage(product_id, quantity, item.available, OUT_OF_STOCK)
    return None


def _stock_of(stock: Mapping[UUID, StockItem], product_id: UUID) -> StockItem:
    try:
        return stock[product_id]
    except KeyError:
        raise ProductNotFoundError(product_id) from None


def _as_lines(quantities: Mapping[UUID, int]) -> tuple[StockLine, ...]:
    return tuple(StockLine(product_id, quantity) for product_id, quantity in quantities.items())
