"""Checking out twice with one idempotency key places one order."""

from __future__ import annotations

from uuid import uuid4

from e2e.local_shop import LocalShop, customer, eventually
from shop.devstack.demo_client import Line


async def test_the_same_checkout_key_twice_gives_one_order(shop: LocalShop) -> None:
    product = await shop.create_product(stock=10)
    buyer, key = customer(), str(uuid4())
    await shop.client.add_line(buyer, Line(product, 1))

    first = await shop.client.checkout(buyer, key)
    second = await shop.client.checkout(buyer, key)

    assert first == second
    order = await shop.final_order(first)
    assert order["status"] == "CONFIRMED"
    orders = await shop.get("ordering", "/orders", customer_id=buyer)
    assert [item["id"] for item in orders["items"]] == [str(first)]
    stock = await eventually(
        lambda: shop.stock(product), lambda s: s["reserved"] == 0, "the sale committed"
    )
    assert stock["on_hand"] == 9
