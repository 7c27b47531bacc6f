"""Links through the front door: an API's `Location` keeps the gateway's `/api/<context>`
prefix, so a client can follow it on the same origin (ADR 0041)."""

from __future__ import annotations

from uuid import uuid4

import httpx

from e2e.local_shop import LocalShop, eventually
from infra.fixtures_identity import IdentityProvider
from localinfra.front_door import FrontDoor


async def test_created_products_and_checkouts_link_to_paths_under_the_gateways_api_prefix(
    shop: LocalShop, front_door: FrontDoor, identity: IdentityProvider
) -> None:
    admin = identity.admin()
    async with (
        httpx.AsyncClient(base_url=front_door.gateway.url, timeout=30) as http,
        shop.buyers.borrow() as buyer,
    ):
        body = {"name": "Linked tea", "category": "e2e", "price": "3.00", "currency": "EUR"}
        await http.post(
            "/api/catalog/categories", json={"slug": "e2e", "name": "E2E"}, headers=admin.headers
        )
        created = await http.post(
            "/api/catalog/products", json={**body, "initial_stock": 5}, headers=admin.headers
        )
        assert created.status_code == 201, created.text
        product_id = created.json()["id"]
        assert created.headers["location"] == f"/api/catalog/products/{product_id}"
        assert (await http.get(created.headers["location"])).json()["id"] == product_id

        line = {"product_id": product_id, "quantity": 1}
        await eventually(
            lambda: http.post("/api/basket/carts/me/lines", json=line, headers=buyer.headers),
            holds=lambda added: added.status_code == 200,
            what="the product known to basket",
        )
        key = {"Idempotency-Key": f"links-{uuid4().hex}"}
        checkout = await http.post(
            "/api/basket/carts/me/checkout", headers={**buyer.headers, **key}
        )
        assert checkout.status_code == 202, checkout.text
        order_id = checkout.json()["order_id"]
        assert checkout.headers["location"] == f"/api/ordering/orders/{order_id}"
        assert checkout.json()["order_url"] == checkout.headers["location"]
        followed = await eventually(
            lambda: http.get(checkout.headers["location"], headers=buyer.headers),
            holds=lambda found: found.status_code == 200,
            what="the order placed behind its link",
        )
        assert followed.json()["id"] == order_id
