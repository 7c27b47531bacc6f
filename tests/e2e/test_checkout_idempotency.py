"""Checking out twice with one idempotency key places one order."""

from __future__ import annotations

from uuid import uuid4

from e2e.local_shop import LocalShop, eventually
from shop.devstack.demo_client import Line


async def test_the_same_checkout_key_twice_gives_one_order(shop: LocalShop) -> None:
    product = await shop.create_product(stock=10)
    key = str(uuid4())
    async with shop.buyers.borrow() as buyer:
        before = await shop.get("ordering", "/orders", customer_id=buyer.subject)
        await shop.client.add_line(buyer.auth, Line(product, 1))

        first = await shop.client.checkout(buyer.auth, key)
        second = await shop.client.checkout(buyer.auth, key)

    assert first == second
    order = await shop.final_order(first)
    assert order["status"] == "CONFIRMED"
    orders = await shop.get("ordering", "/orders", customer_id=buyer.subject)
    assert orders["total"] == before["total"] + 1  # the buyer's one new order
    assert orders["items"][0]["id"] == str(first)
    stock = await eventually(
        lambda: shop.stock(product), lambda s: s["reserved"] == 0, "the sale committed"
    )
    assert stock["on_hand"] == 9
