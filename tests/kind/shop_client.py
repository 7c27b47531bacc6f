"""Places orders through a running shop's HTTP APIs and follows them to their outcome.

Used by the kind end-to-end tests, and by hand (Tilt's `demo-load` resource) against the
port-forwarded APIs, logged in as the demo admin and customer at the kind Dex's token endpoint:

    PYTHONPATH=hack uv run python tests/kind/shop_client.py --orders 50 \\
        --catalog http://localhost:8001 --basket http://localhost:8002 \\
        --ordering http://localhost:8003 \\
        --token-url http://127.0.0.1:5556/dex/token --client-secret shopkeeper-demo-on-kind
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from localinfra.dex_realm import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    API_SCOPES,
    CUSTOMER_EMAIL,
    CUSTOMER_PASSWORD,
    DEMO_CLIENT,
)
from shop.common.auth.token_client import OAuthClient, TokenRequestError

FINAL_STATUSES = frozenset({"CONFIRMED", "CANCELLED"})
CATEGORY = "demo"


class ShopError(RuntimeError):
    """The shop answered unexpectedly, or not in time."""


@dataclass(frozen=True)
class ShopClient:
    """Base URLs of the catalog, basket and ordering APIs."""

    catalog: str
    basket: str
    ordering: str
    timeout: float = 120.0
    host: str | None = None
    """The `Host` every request names (an Ingress or HTTPRoute routes by it)."""
    admin_token: str | None = None
    """Sent with catalog writes and reads of orders (an admin's access token), if given."""
    customer_token: str | None = None
    """Sent with the cart's requests, which then address the token's own cart (`me`)."""

    def _call(
        self, method: str, url: str, *, as_customer: bool = False, **kwargs: Any
    ) -> httpx.Response:
        token = self.customer_token if as_customer else self.admin_token
        bearer = {"Authorization": f"Bearer {token}"} if token else {}
        host = {"Host": self.host} if self.host else {}
        headers = {**kwargs.pop("headers", {}), **host, **bearer}
        response = httpx.request(method, url, timeout=10.0, headers=headers, **kwargs)
        if response.status_code >= 500:
            raise ShopError(f"{method} {url}: {response.status_code} {response.text[:500]}")
        return response

    def create_product(self, stock: int, price: str = "9.50") -> str:
        """A new product on sale with `stock` units; returns its id."""
        self._call("POST", f"{self.catalog}/categories", json={"slug": CATEGORY, "name": "Demo"})
        response = self._call(
            "POST",
            f"{self.catalog}/products",
            json={
                "name": f"Demo mug {uuid.uuid4().hex[:8]}",
                "category": CATEGORY,
                "price": price,
                "currency": "EUR",
                "initial_stock": stock,
            },
        )
        if response.status_code != 201:
            raise ShopError(f"creating a product: {response.status_code} {response.text[:500]}")
        product_id: str = response.json()["id"]
        return product_id

    def place_order(self, customer: str, product_id: str, quantity: int = 1) -> str:
        """Fill the customer's cart and check out; returns the order id.

        The basket learns about new products from the catalog's events, so adding the line is
        retried until the product has arrived there.
        """
        line = {"product_id": product_id, "quantity": quantity}
        cart = f"{self.basket}/carts/{'me' if self.customer_token else customer}"
        self._until(
            lambda: (
                self._call("POST", f"{cart}/lines", json=line, as_customer=True).status_code == 200
            ),
            f"product {product_id} reaching the basket",
        )
        response = self._call(
            "POST",
            f"{cart}/checkout",
            headers={"Idempotency-Key": uuid.uuid4().hex},
            as_customer=True,
        )
        if response.status_code != 202:
            raise ShopError(f"checkout: {response.status_code} {response.text[:500]}")
        order_id: str = response.json()["order_id"]
        return order_id

    def outcome(self, order_id: str) -> dict[str, Any]:
        """The order once it is confirmed or cancelled."""
        found: dict[str, Any] = {}

        def finished() -> bool:
            response = self._call("GET", f"{self.ordering}/orders/{order_id}")
            if response.status_code == 200:
                found.update(response.json())
            return found.get("status") in FINAL_STATUSES

        self._until(finished, f"order {order_id} reaching a final status")
        return found

    def _until(self, condition: Any, what: str) -> None:
        deadline = time.monotonic() + self.timeout
        while not condition():
            if time.monotonic() > deadline:
                raise ShopError(f"{what} did not happen within {self.timeout:.0f}s")
            time.sleep(0.5)


def demo_tokens(
    token_url: str, client_secret: str, client_id: str = DEMO_CLIENT
) -> tuple[str, str]:
    """Access tokens of the demo admin and the demo customer (password grant at `token_url`)."""
    client = OAuthClient(token_url, client_id, client_secret, API_SCOPES)

    async def fetch() -> tuple[str, str]:
        async with httpx.AsyncClient(timeout=30) as http:
            admin = await client.password(http, ADMIN_EMAIL, ADMIN_PASSWORD)
            customer = await client.password(http, CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        return admin.access_token, customer.access_token

    return asyncio.run(fetch())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Place demo orders and report their outcomes.")
    parser.add_argument("--orders", type=int, default=20, help="how many orders (default 20)")
    parser.add_argument("--catalog", default="http://localhost:8001", help="catalog API URL")
    parser.add_argument("--basket", default="http://localhost:8002", help="basket API URL")
    parser.add_argument("--ordering", default="http://localhost:8003", help="ordering API URL")
    parser.add_argument("--token-url", help="log the demo admin and customer in here")
    parser.add_argument("--client-id", default=DEMO_CLIENT, help="their client (with --token-url)")
    parser.add_argument("--client-secret", default="", help="its secret (with --token-url)")
    args = parser.parse_args(argv)
    try:
        admin, customer = (
            demo_tokens(args.token_url, args.client_secret, args.client_id)
            if args.token_url
            else (None, None)
        )
        client = ShopClient(
            args.catalog, args.basket, args.ordering, admin_token=admin, customer_token=customer
        )
        product = client.create_product(stock=args.orders * 2)
        orders = [client.place_order(f"demo-{i}", product) for i in range(args.orders)]
        outcomes = Counter(client.outcome(order)["status"] for order in orders)
    except (ShopError, httpx.HTTPError, TokenRequestError) as err:
        sys.stderr.write(f"demo load failed: {err}\n")
        return 1
    sys.stdout.write(f"{args.orders} orders: {dict(outcomes)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
