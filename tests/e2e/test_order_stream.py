"""A client of the order's server-sent events sees each status change once, in order."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from e2e.local_shop import LocalShop


async def streamed(shop: LocalShop, order_id: UUID) -> list[dict[str, Any]]:
    return [entry async for entry in shop.client.status_events(order_id, shop.reader)]


async def test_the_stream_carries_the_orders_status_changes_in_order(shop: LocalShop) -> None:
    product = await shop.create_product(stock=4)
    order_id = await shop.order_of(product, quantity=1)

    entries = await asyncio.wait_for(streamed(shop, order_id), timeout=120)

    assert [e["status"] for e in entries] == ["PENDING", "STOCK_RESERVED", "CONFIRMED"]
    sequences = [e["sequence"] for e in entries]
    assert sequences == sorted(set(sequences))
    order = await shop.final_order(order_id)
    assert [h["sequence"] for h in order["history"]] == sequences


async def test_the_stream_of_a_cancelled_order_ends_after_its_compensation(
    shop: LocalShop,
) -> None:
    product = await shop.create_product(stock=4)
    async with shop.restarted("payment-worker", {"SHOP_PAYMENT_GATEWAY_FAILURE_RATE": "1"}):
        order_id = await shop.order_of(product, quantity=1)
        entries = await asyncio.wait_for(streamed(shop, order_id), timeout=120)

    assert [(e["kind"], e["status"]) for e in entries] == [
        ("placed", "PENDING"),
        ("stock-reserved", "STOCK_RESERVED"),
        ("cancelled", "CANCELLED"),
        ("stock-released", "CANCELLED"),
    ]
