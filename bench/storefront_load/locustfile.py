"""A Locust scenario that drives a running `make up` shop as its storefront does.

Each simulated shopper logs in as one of the demo customers at the stack's Dex (the password
grant of the demo client, as `shop demo` does), then browses the catalog, searches it, fills a
cart and checks out with an `Idempotency-Key`, and follows the order until it is confirmed or
cancelled. Every request goes through the gateway (`<gateway>/api/<context>/...`), as the web
app's do, and carries the customer's bearer token. The stack is found through its state file
(`$SHOP_DEVSTACK_STATE_FILE`, the variable `shop up` writes it to; default
`$SHOPKEEPER_CACHE/shop-up.json`).

    uv run --frozen locust -f bench/storefront_load/locustfile.py --headless -u 5 -r 1 -t 60s

Besides the HTTP rows, Locust's table has one `ORDER` row per outcome (`placed -> CONFIRMED`,
`placed -> CANCELLED payment-failed`, ...) timing checkout to the final status; an order still
unsettled after ORDER_SECONDS counts as a failure. Baskets stay small (1-3 demo products, 1-2
each): the fraud rules' velocity fires for such busy customers, but a new customer's basket never
reaches 500, so no order is cancelled as fraud-suspected (ADR 0051).
"""

from __future__ import annotations

import itertools
import os
import random
import time
import uuid
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

from shop.devstack.identity import Identity
from shop.devstack.state_file import default_state_file, read_state

SEARCH_WORDS = ("mug", "lamp", "guide", "garden", "tea", "candles", "knife", "seed")
ORDER_SECONDS = 60.0
POLL_SECONDS = 0.5
FINAL = ("CONFIRMED", "CANCELLED")


def stack_identity() -> Identity:
    """The identity provider and gateway of the running stack."""
    path = Path(os.environ.get("SHOP_DEVSTACK_STATE_FILE") or default_state_file())
    identity = read_state(path).identity
    if identity is None or not identity.customers:
        raise RuntimeError(f"{path}: the stack has no identity provider with demo customers")
    return identity


IDENTITY = stack_identity()
_LOGINS = itertools.cycle(IDENTITY.customers)


class Shopper(HttpUser):
    """One demo customer at the storefront."""

    host = IDENTITY.gateway_url  # unless --host names another
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.login = next(_LOGINS)
        self.headers: dict[str, str] = {}
        self.product_ids: list[str] = []
        self.log_in()
        self.browse()

    def log_in(self) -> None:
        form = {
            "grant_type": "password",
            "username": self.login,
            "password": IDENTITY.customer_password,
            "scope": " ".join(IDENTITY.scopes),
        }
        auth = (IDENTITY.demo_client_id, IDENTITY.demo_client_secret)
        with self.client.post(
            IDENTITY.token_url,
            data=form,
            auth=auth,
            name="dex: password grant",
            catch_response=True,
        ) as reply:
            if reply.status_code != 200:
                reply.failure(f"login of {self.login}: {reply.status_code} {reply.text[:200]}")
                return
            self.headers = {"Authorization": f"Bearer {reply.json()['access_token']}"}

    @task(5)
    def browse(self) -> None:
        """The first catalog page, then one product of it."""
        page = self.client.get("/api/catalog/products", params={"limit": 20}, headers=self.headers)
        if page.status_code != 200:
            return
        self.product_ids = [product["id"] for product in page.json()["items"]]
        if self.product_ids:
            product = random.choice(self.product_ids)
            self.client.get(
                f"/api/catalog/products/{product}",
                headers=self.headers,
                name="/api/catalog/products/{id}",
            )

    @task(3)
    def search(self) -> None:
        self.client.get(
            "/api/catalog/products",
            params={"q": random.choice(SEARCH_WORDS), "limit": 20},
            headers=self.headers,
            name="/api/catalog/products?q=",
        )

    @task(1)
    def buy(self) -> None:
        """Fill the cart, check out under a fresh key, and follow the order to its end."""
        if not self.product_ids:
            return
        chosen = random.sample(self.product_ids, k=min(len(self.product_ids), random.randint(1, 3)))
        for product in chosen:
            line = {"product_id": product, "quantity": random.randint(1, 2)}
            self.client.post("/api/basket/carts/me/lines", json=line, headers=self.headers)
        key = {"Idempotency-Key": uuid.uuid4().hex}
        checkout = self.client.post(
            "/api/basket/carts/me/checkout", json={}, headers={**self.headers, **key}
        )
        if checkout.status_code == 202:
            self.follow(checkout.json()["order_id"])

    def follow(self, order_id: str) -> None:
        """Poll the order as the order page does (a 404 until ordering has placed it), then
        report checkout-to-final as a row of its own, named by the outcome."""
        started = time.perf_counter()
        order: dict[str, Any] = {}
        while time.perf_counter() - started < ORDER_SECONDS:
            with self.client.get(
                f"/api/ordering/orders/{order_id}",
                headers=self.headers,
                name="/api/ordering/orders/{id}",
                catch_response=True,
            ) as reply:
                if reply.status_code == 404:
                    reply.success()  # not placed yet: the checkout travels through Kafka
                    order = {}
                elif reply.status_code == 200:
                    order = reply.json()
            if order.get("status") in FINAL and not order.get("awaiting"):
                break
            time.sleep(POLL_SECONDS)
        status = order.get("status")
        outcome = " ".join(str(part) for part in (status, order.get("cancel_reason")) if part)
        events.request.fire(  # type: ignore[no-untyped-call]
            request_type="ORDER",
            name=f"placed -> {outcome or 'unknown'}",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=None if status in FINAL else TimeoutError(f"order {order_id}: {status}"),
            context={},
        )
