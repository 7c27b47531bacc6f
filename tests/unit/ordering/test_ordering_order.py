"""The Order aggregate: status from the saga, append-only history with causes, recorded events."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from shop.ordering.domain import messages as m
from shop.ordering.domain.errors import InvalidOrderError
from shop.ordering.domain.events import OrderCancelled, OrderPlaced, ReserveStock
from shop.ordering.domain.order import Order
from shop.ordering.domain.order_terms import OrderLine, OrderStatus
from unit.ordering.ordering_builders import MUG, ORDER_ID, T0, TIMEOUTS, checkout, terms


def placed_order() -> Order:
    return Order.place(checkout(), T0, TIMEOUTS)


def test_placing_an_order_records_its_first_history_entry_with_the_checkout_as_cause() -> None:
    received = checkout()

    order = Order.place(received, T0, TIMEOUTS)

    assert order.id == ORDER_ID
    assert order.status is OrderStatus.PENDING
    (entry,) = order.history
    assert (entry.sequence, entry.kind, entry.status) == (1, "placed", OrderStatus.PENDING)
    assert entry.cause_event_id == received.event_id
    assert [type(r.event) for r in order.pending_events] == [OrderPlaced, ReserveStock]


def test_each_step_appends_an_entry_caused_by_the_reply_that_moved_it() -> None:
    order = placed_order()
    reserved = m.StockReserved(uuid4(), ORDER_ID)
    paid = m.PaymentSucceeded(uuid4(), ORDER_ID)

    order.handle(reserved, T0, TIMEOUTS)
    order.handle(paid, T0 + timedelta(seconds=1), TIMEOUTS)

    assert [(e.sequence, e.kind, e.status) for e in order.history] == [
        (1, "placed", OrderStatus.PENDING),
        (2, "stock-reserved", OrderStatus.STOCK_RESERVED),
        (3, "confirmed", OrderStatus.CONFIRMED),
    ]
    assert [e.cause_event_id for e in order.history[1:]] == [reserved.event_id, paid.event_id]
    assert order.status is OrderStatus.CONFIRMED


def test_a_duplicate_reply_changes_nothing_and_says_so() -> None:
    order = placed_order()
    reserved = m.StockReserved(uuid4(), ORDER_ID)
    order.handle(reserved, T0, TIMEOUTS)
    order.drain_events()
    history = list(order.history)

    changed = order.handle(m.StockReserved(uuid4(), ORDER_ID), T0, TIMEOUTS)

    assert changed is False
    assert order.history == history
    assert order.pending_events == ()


def test_a_timeout_cancels_the_order_with_the_timer_message_as_cause() -> None:
    order = placed_order()
    timer = m.DeadlineReached(uuid4(), ORDER_ID)

    changed = order.handle(timer, T0 + TIMEOUTS.stock_reservation, TIMEOUTS)

    assert changed is True
    assert order.status is OrderStatus.CANCELLED
    assert order.history[-1].kind == "cancelled"
    assert order.history[-1].detail == "stock-reservation-timed-out"
    assert order.history[-1].cause_event_id == timer.event_id
    assert isinstance(order.pending_events[-1].event, OrderCancelled)


def test_order_terms_must_add_up() -> None:
    with pytest.raises(InvalidOrderError, match="not the sum"):
        replace(terms(), total=Decimal("1.00"))


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((), "at least one line"),
        ((OrderLine(MUG, "Mug", 0, Decimal(1)),), "quantity must be positive"),
        ((OrderLine(MUG, "Mug", 1, Decimal(-1)),), "unit price is negative"),
        ((OrderLine(MUG, "Mug", 1, Decimal(1)), OrderLine(MUG, "Mug", 1, Decimal(1))), "once"),
    ],
)
def test_order_terms_refuse_bad_lines(lines: tuple[OrderLine, ...], message: str) -> None:
    total = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
    with pytest.raises(InvalidOrderError, match=message):
        replace(terms(), lines=lines, total=total)


def test_order_terms_refuse_a_currency_that_is_not_iso_4217() -> None:
    with pytest.raises(InvalidOrderError, match="ISO 4217"):
        replace(terms(), currency="euro")
