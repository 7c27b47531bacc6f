"""Recommendations in the running shop: an order confirmed through the saga shows up in
"bought together", and the semantic search answers from the catalog's API."""

from __future__ import annotations

from typing import Any

from e2e.local_shop import LocalShop, eventually
from shop.devstack.demo_client import Line


async def test_products_of_a_confirmed_order_are_bought_together(shop: LocalShop) -> None:
    kettle, mug = await shop.create_product(stock=5), await shop.create_product(stock=5)
    async with shop.buyers.borrow() as buyer:
        await shop.client.add_line(buyer.auth, Line(kettle, 1))
        await shop.client.add_line(buyer.auth, Line(mug, 2))
        order_id = await shop.client.checkout(buyer.auth)
    assert (await shop.final_order(order_id))["status"] == "CONFIRMED"

    async def with_kettle() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await shop.get(
            "catalog", f"/products/{kettle}/bought-together"
        )
        return found

    together = await eventually(with_kettle, bool, "the order projected into bought together")
    assert [(r["product"]["id"], r["orders"]) for r in together] == [(str(mug), 1)]

    search = await shop.get("catalog", "/products/search/semantic", q="a kettle and a mug")
    assert search["model"].startswith("wordllama-")
    assert search["items"], search  # every product the shop created has its vector
    assert all(-1 <= item["similarity"] <= 1 for item in search["items"])
