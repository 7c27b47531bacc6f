"""The supervisor keeps the shop running: a killed process comes back and the saga goes on."""

from __future__ import annotations

import os
import signal

from e2e.local_shop import LocalShop, eventually


async def test_a_killed_worker_is_restarted_and_orders_still_complete(shop: LocalShop) -> None:
    before = await shop.process("ordering-worker")
    os.kill(before["pid"], signal.SIGKILL)

    after = await eventually(
        lambda: shop.process("ordering-worker"),
        lambda p: p["state"] == "ready" and p["pid"] not in (None, before["pid"]),
        "ordering-worker restarted",
        within=180,
    )

    assert after["restarts"] == before["restarts"] + 1
    assert after["last_exit"] == -signal.SIGKILL
    product = await shop.create_product(stock=2)
    order = await shop.final_order(await shop.order_of(product, quantity=1))
    assert order["status"] == "CONFIRMED"
