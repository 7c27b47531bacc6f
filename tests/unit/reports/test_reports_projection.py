"""The sales projection: pure reducers, idempotent per event id, sales counted once per order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from shop.reports.domain.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderEvent,
    OrderPlaced,
    SoldLine,
)
from shop.reports.domain.projection import DaySales, SalesProjection, change_for

MUG = UUID("00000000-0000-4000-8000-0000000000aa")
TEA = UUID("00000000-0000-4000-8000-0000000000bb")
T0 = datetime(2026, 5, 1, 23, 30, tzinfo=UTC)


def placed(order_id: UUID) -> OrderPlaced:
    return OrderPlaced(uuid4(), order_id, placed_at=T0)


def confirmed(order_id: UUID, at: datetime = T0, mugs: int = 2) -> OrderConfirmed:
    lines = (SoldLine(MUG, "Mug", mugs, Decimal("9.50")), SoldLine(TEA, "Tea", 1, Decimal("4")))
    total = Decimal("9.50") * mugs + 4
    return OrderConfirmed(
        uuid4(), order_id, lines=lines, total=total, currency="EUR", confirmed_at=at
    )


def cancelled(order_id: UUID) -> OrderCancelled:
    return OrderCancelled(uuid4(), order_id, reason="out-of-stock", cancelled_at=T0)


def reduce(*events: OrderEvent) -> SalesProjection:
    projection = SalesProjection()
    for event in events:
        projection = projection.apply(event)
    return projection


def test_confirmed_orders_add_up_to_sales_per_day_and_product() -> None:
    first, second = uuid4(), uuid4()

    projection = reduce(placed(first), confirmed(first), placed(second), confirmed(second, mugs=1))

    assert projection.sales_per_day == {(date(2026, 5, 1), "EUR"): DaySales(2, Decimal("36.50"))}
    top = projection.top_products(1)
    assert [(sale.name, sale.quantity, sale.revenue) for sale in top] == [
        ("Mug", 3, Decimal("28.50"))
    ]
    assert projection.orders_by_status == {"PENDING": 0, "CONFIRMED": 2}


def test_sales_fall_on_the_utc_day_of_confirmation() -> None:
    order = uuid4()
    evening_in_new_york = datetime(2026, 5, 1, 21, 0, tzinfo=timezone(timedelta(hours=-4)))

    projection = reduce(confirmed(order, at=evening_in_new_york))

    assert list(projection.sales_per_day) == [(date(2026, 5, 2), "EUR")]


def test_an_event_applied_twice_counts_once() -> None:
    order = uuid4()
    event = confirmed(order)

    once = reduce(event)
    twice = once.apply(event)

    assert twice == once


def test_a_second_confirmation_of_the_same_order_does_not_double_its_sales() -> None:
    order = uuid4()

    projection = reduce(confirmed(order), confirmed(order))

    assert projection.sales_per_day[(date(2026, 5, 1), "EUR")].orders == 1


def test_cancelled_orders_are_counted_by_status_without_sales() -> None:
    order = uuid4()

    projection = reduce(placed(order), cancelled(order))

    assert projection.orders_by_status == {"PENDING": 0, "CANCELLED": 1}
    assert projection.sales_per_day == {}


def test_a_placement_seen_after_the_outcome_changes_nothing() -> None:
    order = uuid4()

    assert change_for(placed(order), "CONFIRMED") is None
    assert change_for(cancelled(order), "CONFIRMED") is None


def test_top_products_rank_by_units_then_revenue() -> None:
    projection = reduce(confirmed(uuid4(), mugs=1))

    ranked = [sale.name for sale in projection.top_products(10)]

    assert ranked == ["Mug", "Tea"]


def test_an_unknown_event_kind_is_refused() -> None:
    with pytest.raises(TypeError):
        change_for(OrderEvent(uuid4(), uuid4()), None)
