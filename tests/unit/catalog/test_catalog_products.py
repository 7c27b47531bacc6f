"""Products, prices and categories."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest

from shop.catalog.domain.errors import InvalidProductError, ProductInactiveError
from shop.catalog.domain.events import (
    ProductCreated,
    ProductDeactivated,
    ProductPriceChanged,
    ProductUpdated,
)
from shop.catalog.domain.money import Price
from shop.catalog.domain.product import Category, Product
from shop.common.events import DomainEvent

EUR_10 = Price(Decimal("10.00"), "EUR")


def new_product() -> Product:
    return Product.create(uuid4(), "Mug", "A big mug", "kitchen", EUR_10)


def events(product: Product) -> list[DomainEvent]:
    return [recorded.event for recorded in product.drain_events()]


def test_creating_a_product_announces_its_full_state() -> None:
    product = new_product()

    (created,) = events(product)

    assert isinstance(created, ProductCreated)
    assert (created.product_id, created.product_version) == (product.id, 1)
    assert (created.name, created.category, created.price, created.currency) == (
        "Mug",
        "kitchen",
        Decimal("10.00"),
        "EUR",
    )
    assert created.active is True


def test_updating_descriptive_fields_bumps_the_version_and_announces_the_new_state() -> None:
    product = new_product()
    events(product)

    product.update(name="Tall mug", description="Taller", category="kitchen")

    (updated,) = events(product)
    assert isinstance(updated, ProductUpdated)
    assert (updated.name, updated.product_version) == ("Tall mug", 2)


def test_an_update_that_changes_nothing_announces_nothing() -> None:
    product = new_product()
    events(product)

    product.update(name="Mug", description="A big mug", category="kitchen")

    assert events(product) == []
    assert product.version == 1


def test_a_price_change_carries_the_previous_price() -> None:
    product = new_product()
    events(product)

    product.change_price(Price(Decimal("12.50"), "EUR"))

    (changed,) = events(product)
    assert isinstance(changed, ProductPriceChanged)
    assert (changed.price, changed.previous_price) == (Decimal("12.50"), Decimal("10.00"))


def test_setting_the_same_price_again_announces_nothing() -> None:
    product = new_product()
    events(product)

    product.change_price(Price(Decimal("10.0"), "EUR"))

    assert events(product) == []


def test_deactivating_twice_announces_once() -> None:
    product = new_product()
    events(product)

    product.deactivate()
    product.deactivate()

    assert [type(e) for e in events(product)] == [ProductDeactivated]
    assert product.active is False


def test_a_deactivated_product_cannot_be_repriced_or_edited() -> None:
    product = new_product()
    product.deactivate()

    with pytest.raises(ProductInactiveError):
        product.change_price(Price(Decimal(1), "EUR"))
    with pytest.raises(ProductInactiveError):
        product.update(name="x", description="", category="kitchen")


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        (Decimal("-1"), "EUR", "negative"),
        (Decimal("1.001"), "EUR", "two decimal places"),
        (Decimal("NaN"), "EUR", "finite"),
        (Decimal("1"), "eur", "ISO 4217"),
    ],
)
def test_prices_refuse_bad_amounts_and_currencies(
    amount: Decimal, currency: str, message: str
) -> None:
    with pytest.raises(InvalidProductError, match=message):
        Price(amount, currency)


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_product_names_need_one_to_two_hundred_characters(name: str) -> None:
    with pytest.raises(InvalidProductError, match="name"):
        Product.create(uuid4(), name, "", "kitchen", EUR_10)


@pytest.mark.parametrize("slug", ["Kitchen", "garden tools", "-tools", "a--b", ""])
def test_category_slugs_are_lowercase_words_joined_by_dashes(slug: str) -> None:
    with pytest.raises(InvalidProductError, match="slug"):
        Category(slug, "Name")
