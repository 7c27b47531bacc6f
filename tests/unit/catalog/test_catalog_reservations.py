"""An order's reservation: all lines or none, idempotent per order and product."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from shop.catalog.domain.errors import InvalidStockError
from shop.catalog.domain.events import (
    Shortage,
    StockLine,
    StockReleased,
    StockReservationFailed,
    StockReserved,
)
from shop.catalog.domain.reservation import OrderReservation
from shop.catalog.domain.stock import ReservationStatus, StockItem
from shop.common.events import DomainEvent

MUG = UUID("00000000-0000-4000-8000-0000000000aa")
TEA = UUID("00000000-0000-4000-8000-0000000000bb")


def shelf(mugs: int = 5, tea: int = 5) -> dict[UUID, StockItem]:
    return {MUG: StockItem(MUG, on_hand=mugs), TEA: StockItem(TEA, on_hand=tea)}


def replies(reservation: OrderReservation) -> list[DomainEvent]:
    return [recorded.event for recorded in reservation.drain_events()]


SELLABLE = frozenset({MUG, TEA})
ORDER = [StockLine(MUG, 2), StockLine(TEA, 1)]


def test_every_line_is_reserved_and_announced_in_one_reply() -> None:
    stock, reservation = shelf(), OrderReservation(uuid4())

    reservation.reserve(ORDER, stock, SELLABLE)

    assert (stock[MUG].reserved, stock[TEA].reserved) == (2, 1)
    assert replies(reservation) == [StockReserved(reservation.order_id, lines=tuple(ORDER))]
    assert {p: r.status for p, r in reservation.lines.items()} == {
        MUG: ReservationStatus.RESERVED,
        TEA: ReservationStatus.RESERVED,
    }


def test_one_short_line_reserves_nothing_at_all() -> None:
    stock, reservation = shelf(tea=0), OrderReservation(uuid4())

    reservation.reserve(ORDER, stock, SELLABLE)

    assert (stock[MUG].reserved, stock[TEA].reserved) == (0, 0)
    assert reservation.lines == {}
    assert replies(reservation) == [
        StockReservationFailed(
            reservation.order_id,
            reason="out-of-stock",
            shortages=(Shortage(TEA, 1, 0, "out-of-stock"),),
        )
    ]


def test_unknown_and_deactivated_products_make_the_reservation_fail_as_unavailable() -> None:
    stranger = uuid4()
    stock, reservation = shelf(), OrderReservation(uuid4())

    reservation.reserve([StockLine(stranger, 1), StockLine(TEA, 1)], stock, {MUG})

    (failed,) = replies(reservation)
    assert isinstance(failed, StockReservationFailed)
    assert failed.reason == "unavailable"
    assert {(s.product_id, s.reason) for s in failed.shortages} == {
        (stranger, "unknown-product"),
        (TEA, "inactive"),
    }
    assert stock[TEA].reserved == 0


def test_repeated_lines_of_one_product_are_reserved_as_their_sum() -> None:
    stock, reservation = shelf(mugs=3), OrderReservation(uuid4())

    reservation.reserve([StockLine(MUG, 2), StockLine(MUG, 1)], stock, SELLABLE)

    assert stock[MUG].reserved == 3
    assert reservation.lines[MUG].quantity == 3


def test_reserving_the_same_order_twice_reserves_once_and_replies_once() -> None:
    stock, reservation = shelf(), OrderReservation(uuid4())
    reservation.reserve(ORDER, stock, SELLABLE)
    replies(reservation)

    reservation.reserve(ORDER, stock, SELLABLE)

    assert (stock[MUG].reserved, stock[TEA].reserved) == (2, 1)
    assert replies(reservation) == []


def test_releasing_gives_the_units_back_once() -> None:
    stock, reservation = shelf(), OrderReservation(uuid4())
    reservation.reserve(ORDER, stock, SELLABLE)
    replies(reservation)

    reservation.release([MUG, TEA], stock)
    first = replies(reservation)
    reservation.release([MUG, TEA], stock)

    assert (stock[MUG].available, stock[TEA].available) == (5, 5)
    assert first == [StockReleased(reservation.order_id, lines=tuple(ORDER))]
    assert replies(reservation) == []


def test_a_release_arriving_before_its_reservation_blocks_that_reservation() -> None:
    stock, reservation = shelf(), OrderReservation(uuid4())

    reservation.release([MUG, TEA], stock)
    released = replies(reservation)
    reservation.reserve(ORDER, stock, SELLABLE)

    assert released == [StockReleased(reservation.order_id, lines=())]
    (refused,) = replies(reservation)
    assert isinstance(refused, StockReservationFailed)
    assert refused.reason == "already-released"
    assert stock[MUG].reserved == 0


def test_committing_sells_the_reserved_units_and_a_later_release_changes_nothing() -> None:
    stock, reservation = shelf(), OrderReservation(uuid4())
    reservation.reserve(ORDER, stock, SELLABLE)
    replies(reservation)

    reservation.commit(stock)
    reservation.commit(stock)
    reservation.release([MUG, TEA], stock)

    assert (stock[MUG].on_hand, stock[MUG].reserved) == (3, 0)
    assert (stock[TEA].on_hand, stock[TEA].reserved) == (4, 0)
    assert replies(reservation) == []


@pytest.mark.parametrize("lines", [[], [StockLine(MUG, 0)], [StockLine(MUG, -1)]])
def test_a_reservation_needs_lines_with_positive_quantities(lines: list[StockLine]) -> None:
    with pytest.raises(InvalidStockError):
        OrderReservation(uuid4()).reserve(lines, shelf(), SELLABLE)
