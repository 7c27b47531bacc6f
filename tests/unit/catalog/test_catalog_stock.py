"""Stock of one product: never negative, low-stock alerts on crossing the threshold."""

from __future__ import annotations

from uuid import uuid4

import pytest

from shop.catalog.domain.errors import InsufficientStockError, InvalidStockError
from shop.catalog.domain.events import StockLow
from shop.catalog.domain.stock import StockItem


def stock(on_hand: int = 10, threshold: int = 3) -> StockItem:
    return StockItem(uuid4(), on_hand=on_hand, low_stock_threshold=threshold)


def low_alerts(item: StockItem) -> list[StockLow]:
    return [r.event for r in item.drain_events() if isinstance(r.event, StockLow)]


def test_reserving_more_than_is_available_is_refused_and_changes_nothing() -> None:
    item = stock(on_hand=2)

    with pytest.raises(InsufficientStockError):
        item.reserve(3)

    assert (item.on_hand, item.reserved, item.available) == (2, 0, 2)


def test_a_stock_count_cannot_go_below_what_is_reserved() -> None:
    item = stock(on_hand=5)
    item.reserve(4)

    with pytest.raises(InvalidStockError, match="reserved"):
        item.count(3)


@pytest.mark.parametrize("on_hand", [-1, True])
def test_a_stock_count_must_be_a_whole_number_not_below_zero(on_hand: int) -> None:
    with pytest.raises(InvalidStockError):
        stock().count(on_hand)


@pytest.mark.parametrize("quantity", [0, -2])
def test_received_quantities_must_be_positive(quantity: int) -> None:
    with pytest.raises(InvalidStockError, match="positive"):
        stock().receive(quantity)


def test_committing_sells_reserved_units() -> None:
    item = stock(on_hand=10)
    item.reserve(4)

    item.commit(4)

    assert (item.on_hand, item.reserved, item.available) == (6, 0, 6)


def test_releasing_returns_reserved_units_to_available_stock() -> None:
    item = stock(on_hand=10)
    item.reserve(4)

    item.release(4)

    assert (item.reserved, item.available) == (0, 10)


def test_releasing_more_than_is_reserved_is_refused() -> None:
    item = stock()
    item.reserve(1)

    with pytest.raises(InvalidStockError):
        item.release(2)


def test_stock_low_is_announced_once_when_available_stock_crosses_the_threshold() -> None:
    item = stock(on_hand=10, threshold=3)

    item.reserve(6)
    above = low_alerts(item)
    item.reserve(1)
    crossing = low_alerts(item)
    item.reserve(1)
    below = low_alerts(item)

    assert above == []
    assert crossing == [StockLow(item.product_id, 3, 3)]
    assert below == []


def test_stock_low_is_announced_again_after_a_restock_and_a_new_crossing() -> None:
    item = stock(on_hand=4, threshold=3)
    item.reserve(1)
    low_alerts(item)
    item.receive(10)

    item.reserve(10)

    assert low_alerts(item) == [StockLow(item.product_id, 3, 3)]


def test_a_stock_count_below_the_threshold_announces_low_stock() -> None:
    item = stock(on_hand=10, threshold=3)

    item.count(2)

    assert low_alerts(item) == [StockLow(item.product_id, 2, 3)]


def test_stock_cannot_be_created_with_negative_counts() -> None:
    with pytest.raises(InvalidStockError):
        StockItem(uuid4(), on_hand=-1)
