"""The order saga across all six contexts, through their public APIs."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any
from uuid import UUID

from e2e.local_shop import LocalShop, eventually


async def deliveries_for(shop: LocalShop, order_id: UUID) -> list[dict[str, Any]]:
    log = await shop.get("notification", "/deliveries", limit=200)
    return [d for d in log if str(order_id) in d["subject"]]


async def test_a_paid_order_is_confirmed_stock_sold_payment_taken_customer_told_and_reported(
    shop: LocalShop,
) -> None:
    product = await shop.create_product(stock=10, price="12.50")
    order_id = await shop.order_of(product, quantity=2)

    order = await shop.final_order(order_id)
    assert order["status"] == "CONFIRMED"
    assert Decimal(order["total"]) == Decimal("25.00")
    assert [entry["status"] for entry in order["history"]] == [
        "PENDING",
        "STOCK_RESERVED",
        "CONFIRMED",
    ]
    stock = await eventually(
        lambda: shop.stock(product), lambda s: s["reserved"] == 0, "reservation committed"
    )
    assert stock == {"on_hand": 8, "reserved": 0, "available": 8, "low_stock_threshold": 0}

    payment = await shop.get("payment", f"/payments/{order_id}")
    assert payment["status"] == "succeeded"
    assert Decimal(payment["amount"]) == Decimal("25.00")
    assert Decimal(payment["refunded_amount"]) == 0

    sent = await eventually(
        lambda: deliveries_for(shop, order_id), lambda found: bool(found), "customer notified"
    )
    assert [(d["template"], d["status"]) for d in sent] == [("order-confirmed", "sent")]

    sales = await eventually(
        lambda: shop.get("reports", "/reports/top-products", limit=100),
        lambda top: any(p["product_id"] == str(product) for p in top),
        "the sale reported",
    )
    (reported,) = [p for p in sales if p["product_id"] == str(product)]
    assert (reported["quantity"], Decimal(reported["revenue"])) == (2, Decimal("25.00"))


async def test_a_declined_payment_cancels_the_order_and_gives_the_stock_back(
    shop: LocalShop,
) -> None:
    product = await shop.create_product(stock=5)
    async with shop.restarted("payment-worker", {"SHOP_PAYMENT_GATEWAY_FAILURE_RATE": "1"}):
        order_id = await shop.order_of(product, quantity=3)
        order = await shop.final_order(order_id)

    assert (order["status"], order["cancel_reason"]) == ("CANCELLED", "payment-failed")
    assert [entry["kind"] for entry in order["history"]] == [
        "placed",
        "stock-reserved",
        "cancelled",
        "stock-released",
    ]
    assert await shop.stock(product) == {
        "on_hand": 5,
        "reserved": 0,
        "available": 5,
        "low_stock_threshold": 0,
    }
    payment = await shop.get("payment", f"/payments/{order_id}")
    assert payment["status"] == "failed"
    sent = await eventually(
        lambda: deliveries_for(shop, order_id),
        lambda found: {d["template"] for d in found} >= {"order-cancelled", "payment-failed"},
        "cancellation and payment failure notified",
    )
    assert {d["status"] for d in sent} == {"sent"}


async def test_a_burst_of_orders_then_a_new_customers_large_basket_is_cancelled_as_fraud(
    shop: LocalShop,
) -> None:
    # CHF: the buyer's confirmed orders of other tests are in EUR, so here it is a new customer.
    scarce = await shop.create_product(stock=1, price="5.00", currency="CHF")
    luxury = await shop.create_product(stock=5, price="450.00", currency="CHF")
    async with shop.buyers.borrow() as buyer:
        # Ten orders in a minute (each out of stock): velocity. One customer's checkouts are
        # consumed in order (keyed by customer), so the last is scored after all ten.
        for _ in range(10):
            await shop.order_as(buyer, scarce, quantity=2)
        order_id = await shop.order_as(buyer, luxury, quantity=2)
    order = await shop.final_order(order_id)

    assert (order["status"], order["cancel_reason"]) == ("CANCELLED", "fraud-suspected")
    assert [entry["kind"] for entry in order["history"]] == [
        "placed",
        "cancelled",
        "stock-released",
    ]
    risk = order["risk"]
    assert [reason["rule"] for reason in risk["reasons"]] == [
        "velocity",
        "new-customer-large-basket",
    ]
    assert (risk["score"], risk["threshold"]) == (85, 80)
    assert await shop.stock(luxury) == {
        "on_hand": 5,
        "reserved": 0,
        "available": 5,
        "low_stock_threshold": 0,
    }
    never_charged = await shop.http.get(f"{shop.apis['payment']}/payments/{order_id}")
    assert never_charged.status_code == 404


async def test_an_order_beyond_the_stock_is_cancelled_as_out_of_stock(shop: LocalShop) -> None:
    product = await shop.create_product(stock=1)
    order = await shop.final_order(await shop.order_of(product, quantity=2))

    assert (order["status"], order["cancel_reason"]) == ("CANCELLED", "out-of-stock")
    assert order["history"][-1]["kind"] == "cancelled"
    assert await shop.stock(product) == {
        "on_hand": 1,
        "reserved": 0,
        "available": 1,
        "low_stock_threshold": 0,
    }


async def test_concurrent_orders_for_the_last_items_never_oversell(shop: LocalShop) -> None:
    product = await shop.create_product(stock=3)
    order_ids = await asyncio.gather(*(shop.order_of(product, quantity=1) for _ in range(8)))
    orders = await asyncio.gather(*(shop.final_order(order_id) for order_id in order_ids))

    outcomes = sorted((o["status"], o["cancel_reason"]) for o in orders)
    assert outcomes == [("CANCELLED", "out-of-stock")] * 5 + [("CONFIRMED", None)] * 3
    stock = await eventually(
        lambda: shop.stock(product), lambda s: s["reserved"] == 0, "reservations committed"
    )
    assert (stock["on_hand"], stock["available"]) == (0, 0)
