"""The basket's copy of the catalog: only newer product versions change it."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from shop.basket.domain.products import ProductSnapshot

MUG = ProductSnapshot(uuid4(), "Mug", Decimal("9.50"), "EUR", True, 3)


def test_a_price_change_of_a_newer_version_updates_the_price() -> None:
    changed = MUG.with_price(4, Decimal("11.00"), "EUR")

    assert (changed.price, changed.version) == (Decimal("11.00"), 4)


def test_an_older_or_repeated_version_changes_nothing() -> None:
    assert MUG.with_price(3, Decimal("1.00"), "EUR") is MUG
    assert MUG.deactivated(2) is MUG
    assert MUG.newer(ProductSnapshot(MUG.product_id, "Old", Decimal(1), "EUR", True, 1)) is MUG


def test_deactivation_takes_the_product_off_sale() -> None:
    assert MUG.deactivated(4).active is False
