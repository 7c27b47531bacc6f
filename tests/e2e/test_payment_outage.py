"""Payment down: the saga's step deadline cancels the order and releases its stock; payment
coming back later charges and refunds, and the order stays cancelled."""

from __future__ import annotations

from e2e.faults import SHORT_PAYMENT_DEADLINE
from e2e.local_shop import LocalShop, eventually

PAYMENT = ("payment-worker", "payment-api", "payment-relay")


async def test_a_payment_outage_cancels_the_order_at_the_deadline_and_recovery_changes_nothing(
    shop: LocalShop,
) -> None:
    product = await shop.create_product(stock=6)
    async with shop.restarted("ordering-worker", SHORT_PAYMENT_DEADLINE):
        for name in PAYMENT:
            await shop.control("stop", name)
        try:
            order_id = await shop.order_of(product, quantity=2)
            cancelled = await eventually(
                lambda: shop.order(order_id),
                lambda o: o is not None and o["status"] == "CANCELLED",
                "cancelled by the payment deadline",
                within=120,
            )
            assert cancelled is not None
            assert cancelled["cancel_reason"] == "payment-timed-out"
            assert "refund-payment" in cancelled["awaiting"]  # payment cannot answer yet
            await eventually(
                lambda: shop.stock(product), lambda s: s["available"] == 6, "stock released"
            )
        finally:
            for name in reversed(PAYMENT):
                await shop.control("start", name)

        order = await shop.final_order(order_id)  # the refund is acknowledged
    payment = await shop.get("payment", f"/payments/{order_id}")

    assert (order["status"], order["cancel_reason"]) == ("CANCELLED", "payment-timed-out")
    assert "confirmed" not in [entry["kind"] for entry in order["history"]]
    assert payment["status"] in ("refunded", "voided")
    assert payment["refunded_amount"] == payment["amount"] or payment["status"] == "voided"
    assert await shop.stock(product) == {
        "on_hand": 6,
        "reserved": 0,
        "available": 6,
        "low_stock_threshold": 0,
    }
