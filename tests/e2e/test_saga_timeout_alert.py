"""The chart's saga-timeout alert, evaluated by a real Prometheus scraping the shop, fires while
the payment worker is stopped and clears after it is back.

The rule is the shipped one; only its window is the tests' (`sagaTimeoutWindow`, see
infra.fixtures_observability), so clearing takes seconds, not the default 10 minutes.
"""

from __future__ import annotations

import time

from e2e.faults import SHORT_PAYMENT_DEADLINE
from e2e.local_shop import LocalShop, eventually
from e2e.observed import firing
from infra.fixtures_observability import SAGA_TIMEOUT_WINDOW
from localinfra.observability import Observability

ALERT = "ShopSagaStepTimingOut"


async def test_the_saga_timeout_alert_fires_for_a_stopped_payment_worker_and_clears(
    shop: LocalShop, observability: Observability
) -> None:
    prometheus = observability.prometheus
    await eventually(lambda: firing(prometheus, ALERT), lambda a: not a, f"{ALERT} quiet", 120)
    product = await shop.create_product(stock=4)
    async with shop.restarted("ordering-worker", SHORT_PAYMENT_DEADLINE):
        await shop.control("stop", "payment-worker")
        stopped = time.monotonic()
        try:
            order_id = await shop.order_of(product, quantity=1)
            alerts = await eventually(
                lambda: firing(prometheus, ALERT), bool, f"{ALERT} firing", within=120
            )
            fired = time.monotonic() - stopped
        finally:
            await shop.control("start", "payment-worker")
        restarted = time.monotonic()
        order = await shop.final_order(order_id)
    await eventually(lambda: firing(prometheus, ALERT), lambda a: not a, f"{ALERT} cleared", 120)
    cleared = time.monotonic() - restarted

    print(
        f"\n{ALERT}: firing {fired:.1f}s after the payment worker stopped, "
        f"cleared {cleared:.1f}s after it was started again (window {SAGA_TIMEOUT_WINDOW})"
    )
    (alert,) = alerts
    assert alert["labels"]["reason"] == "payment-timed-out"
    assert alert["labels"]["namespace"] == "local"
    assert (order["status"], order["cancel_reason"]) == ("CANCELLED", "payment-timed-out")
