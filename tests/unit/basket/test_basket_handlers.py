"""Basket use cases through the message bus and a fake unit of work."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from shop.basket.bootstrap import BasketBus, message_bus
from shop.basket.domain import catalog_events as e
from shop.basket.domain import commands as c
from shop.basket.domain.errors import EmptyCartError, LineNotFoundError, UnknownProductError
from shop.basket.domain.events import BasketCheckedOut
from shop.basket.domain.products import ProductSnapshot
from shop.basket.service_layer.handlers import BasketDependencies, cart_view
from unit.basket.basket_fakes import FakeBasketUnitOfWork

NOW = datetime(2026, 5, 1, tzinfo=UTC)
MUG = ProductSnapshot(uuid4(), "Mug", Decimal("9.50"), "EUR", True, 1)


@pytest.fixture
def uow() -> FakeBasketUnitOfWork:
    return FakeBasketUnitOfWork()


@pytest.fixture
async def bus(uow: FakeBasketUnitOfWork) -> BasketBus:
    bus = message_bus(lambda: uow, BasketDependencies(clock=lambda: NOW))
    await bus.handle_in(e.ProductAnnounced(MUG), uow)
    return bus


async def test_checkout_publishes_the_order_and_empties_the_cart(
    bus: BasketBus, uow: FakeBasketUnitOfWork
) -> None:
    await bus.handle(c.AddLine("alice", MUG.product_id, 2))

    done = await bus.handle(c.Checkout("alice", "key-1", "alice@example.com"))

    (event,) = uow.published
    assert isinstance(event, BasketCheckedOut)
    assert (event.order_id, event.total, event.email) == (
        done.order_id,
        Decimal("19.00"),
        "alice@example.com",
    )
    assert uow.carts.rows["alice"].lines == {}


async def test_repeating_a_checkout_key_returns_the_same_order_and_publishes_nothing_more(
    bus: BasketBus, uow: FakeBasketUnitOfWork
) -> None:
    await bus.handle(c.AddLine("alice", MUG.product_id, 1))
    first = await bus.handle(c.Checkout("alice", "key-1"))
    await bus.handle(c.AddLine("alice", MUG.product_id, 1))

    again = await bus.handle(c.Checkout("alice", "key-1"))

    assert again.order_id == first.order_id
    assert len(uow.published) == 1
    assert uow.carts.rows["alice"].lines == {MUG.product_id: 1}


async def test_a_new_checkout_key_checks_out_again(bus: BasketBus) -> None:
    await bus.handle(c.AddLine("alice", MUG.product_id, 1))
    first = await bus.handle(c.Checkout("alice", "key-1"))
    await bus.handle(c.AddLine("alice", MUG.product_id, 1))

    second = await bus.handle(c.Checkout("alice", "key-2"))

    assert second.order_id != first.order_id


async def test_a_customer_without_a_cart_cannot_check_out_or_change_lines(bus: BasketBus) -> None:
    with pytest.raises(EmptyCartError):
        await bus.handle(c.Checkout("bob", "key-1"))
    with pytest.raises(LineNotFoundError):
        await bus.handle(c.RemoveLine("bob", MUG.product_id))


async def test_a_product_the_basket_never_heard_of_cannot_be_added(bus: BasketBus) -> None:
    with pytest.raises(UnknownProductError):
        await bus.handle(c.AddLine("alice", uuid4(), 1))


async def test_the_cart_view_shows_the_latest_catalog_price(
    bus: BasketBus, uow: FakeBasketUnitOfWork
) -> None:
    await bus.handle(c.AddLine("alice", MUG.product_id, 2))

    await bus.handle_in(e.PriceChanged(MUG.product_id, 2, Decimal("10.00"), "EUR"), uow)
    await bus.handle_in(e.PriceChanged(MUG.product_id, 2, Decimal("99.00"), "EUR"), uow)
    view = await cart_view("alice", uow)

    assert view.totals == {"EUR": Decimal("20.00")}


async def test_a_stale_product_update_does_not_overwrite_a_newer_one(
    bus: BasketBus, uow: FakeBasketUnitOfWork
) -> None:
    await bus.handle_in(e.ProductWithdrawn(MUG.product_id, 3), uow)

    await bus.handle_in(e.ProductAnnounced(MUG), uow)

    assert uow.products.rows[MUG.product_id].active is False


async def test_events_about_unknown_products_are_ignored(
    bus: BasketBus, uow: FakeBasketUnitOfWork
) -> None:
    stranger: UUID = uuid4()

    await bus.handle_in(e.PriceChanged(stranger, 2, Decimal(1), "EUR"), uow)
    await bus.handle_in(e.ProductWithdrawn(stranger, 2), uow)

    assert stranger not in uow.products.rows


async def test_an_empty_cart_view_for_a_new_customer(uow: FakeBasketUnitOfWork) -> None:
    view = await cart_view("carol", uow)

    assert (view.lines, view.totals) == ((), {})


async def test_each_cart_change_answers_the_cart_it_left_priced(bus: BasketBus) -> None:
    added = await bus.handle(c.AddLine("dora", MUG.product_id, 2))
    changed = await bus.handle(c.ChangeQuantity("dora", MUG.product_id, 3))
    removed = await bus.handle(c.RemoveLine("dora", MUG.product_id))

    assert [(line.quantity, line.line_total) for line in added.lines] == [(2, Decimal("19.00"))]
    assert changed.totals == {"EUR": Decimal("28.50")}
    assert (removed.lines, removed.totals) == ((), {})
