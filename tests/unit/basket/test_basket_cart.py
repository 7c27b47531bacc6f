"""Carts: lines, current prices, checkout."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from shop.basket.domain.cart import MAX_LINE_QUANTITY, Cart
from shop.basket.domain.errors import (
    EmptyCartError,
    InvalidCartError,
    LineNotFoundError,
    MixedCurrenciesError,
    ProductUnavailableError,
    UnknownProductError,
)
from shop.basket.domain.events import BasketCheckedOut, OrderLine
from shop.basket.domain.products import ProductSnapshot

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
MUG = ProductSnapshot(uuid4(), "Mug", Decimal("9.50"), "EUR", True, 1)
TEA = ProductSnapshot(uuid4(), "Tea", Decimal("4.00"), "EUR", True, 1)
CATALOG = {MUG.product_id: MUG, TEA.product_id: TEA}


def cart_with(*lines: tuple[ProductSnapshot, int]) -> Cart:
    cart = Cart("alice")
    for product, quantity in lines:
        cart.add(product, product.product_id, quantity)
    return cart


def check_out(cart: Cart, catalog: dict[UUID, ProductSnapshot] = CATALOG) -> UUID:
    order_id = uuid4()
    cart.checkout(order_id=order_id, idempotency_key="key-1", products=catalog, email=None, now=NOW)
    return order_id


def test_adding_a_product_already_in_the_cart_adds_up_the_quantity() -> None:
    cart = cart_with((MUG, 1), (MUG, 2))

    assert cart.lines == {MUG.product_id: 3}


def test_a_line_cannot_exceed_the_maximum_quantity() -> None:
    cart = cart_with((MUG, MAX_LINE_QUANTITY))

    with pytest.raises(InvalidCartError, match="between 1 and"):
        cart.add(MUG, MUG.product_id, 1)


def test_unknown_and_deactivated_products_cannot_be_added() -> None:
    cart = Cart("alice")
    stranger = uuid4()
    off_sale = ProductSnapshot(uuid4(), "Old", Decimal(1), "EUR", False, 2)

    with pytest.raises(UnknownProductError):
        cart.add(None, stranger, 1)
    with pytest.raises(ProductUnavailableError):
        cart.add(off_sale, off_sale.product_id, 1)


def test_changing_and_removing_lines_needs_the_line_to_exist() -> None:
    cart = cart_with((MUG, 1))

    cart.change_quantity(MUG.product_id, 5)
    cart.remove(MUG.product_id)

    assert cart.lines == {}
    with pytest.raises(LineNotFoundError):
        cart.change_quantity(MUG.product_id, 1)
    with pytest.raises(LineNotFoundError):
        cart.remove(MUG.product_id)


@pytest.mark.parametrize("quantity", [0, -1, MAX_LINE_QUANTITY + 1])
def test_quantities_outside_the_allowed_range_are_refused(quantity: int) -> None:
    with pytest.raises(InvalidCartError):
        cart_with((MUG, 1)).change_quantity(MUG.product_id, quantity)


def test_the_view_prices_lines_at_current_prices_and_totals_what_is_on_sale() -> None:
    cart = cart_with((MUG, 2), (TEA, 1))
    dearer_tea = ProductSnapshot(TEA.product_id, "Tea", Decimal("5.00"), "EUR", False, 3)

    view = cart.view({MUG.product_id: MUG, TEA.product_id: dearer_tea})

    assert [(line.name, line.line_total, line.available) for line in view.lines] == [
        ("Mug", Decimal("19.00"), True),
        ("Tea", Decimal("5.00"), False),
    ]
    assert view.totals == {"EUR": Decimal("19.00")}


def test_checkout_records_the_order_at_current_prices_and_empties_the_cart() -> None:
    cart = cart_with((MUG, 2), (TEA, 1))

    order_id = check_out(cart)

    (recorded,) = cart.drain_events()
    event = recorded.event
    assert isinstance(event, BasketCheckedOut)
    assert event.order_id == order_id
    assert event.customer_id == "alice"
    assert event.lines == (
        OrderLine(MUG.product_id, "Mug", 2, Decimal("9.50")),
        OrderLine(TEA.product_id, "Tea", 1, Decimal("4.00")),
    )
    assert (event.total, event.currency) == (Decimal("23.00"), "EUR")
    assert cart.lines == {}


def test_checking_out_an_empty_cart_is_refused() -> None:
    with pytest.raises(EmptyCartError):
        check_out(Cart("alice"))


def test_checkout_is_refused_while_a_line_is_no_longer_on_sale() -> None:
    cart = cart_with((MUG, 1))
    off_sale = ProductSnapshot(MUG.product_id, "Mug", Decimal("9.50"), "EUR", False, 2)

    with pytest.raises(ProductUnavailableError):
        check_out(cart, {MUG.product_id: off_sale})
    assert cart.lines == {MUG.product_id: 1}
    assert cart.pending_events == ()


def test_checkout_is_refused_for_a_cart_in_two_currencies() -> None:
    dollars = ProductSnapshot(uuid4(), "Cap", Decimal(3), "USD", True, 1)
    cart = cart_with((MUG, 1), (dollars, 1))

    with pytest.raises(MixedCurrenciesError):
        check_out(cart, {**CATALOG, dollars.product_id: dollars})


@pytest.mark.parametrize(("key", "email"), [("", None), ("k" * 129, None), ("ok", "not-mail")])
def test_checkout_refuses_bad_idempotency_keys_and_addresses(key: str, email: str | None) -> None:
    with pytest.raises(InvalidCartError):
        cart_with((MUG, 1)).checkout(
            order_id=uuid4(), idempotency_key=key, products=CATALOG, email=email, now=NOW
        )


@pytest.mark.parametrize("customer_id", ["", " alice", "a/b", "x" * 129])
def test_customer_ids_are_checked(customer_id: str) -> None:
    with pytest.raises(InvalidCartError):
        Cart(customer_id)
