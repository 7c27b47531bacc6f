"""The e2e tests' handle on a running `shop up`: its public APIs and its supervisor."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID, uuid4

import httpx

from infra.fixtures_identity import Buyers, LoggedIn
from shop.devstack.demo_client import Line, ShopClient
from support.polling import wait_until_async

T = TypeVar("T")
CATEGORY = "e2e"
ORDER_SECONDS = 120.0


async def eventually(
    fetch: Callable[[], Awaitable[T]], holds: Callable[[T], bool], what: str, within: float = 60
) -> T:
    """Poll `fetch` until its value `holds`; fail naming `what` and the last value."""
    return await wait_until_async(fetch, within=within, what=what, holds=holds, interval=0.2)


@dataclass
class LocalShop:
    """A running shop; `http` carries an admin's token (catalog writes, reads of any order)."""

    control_url: str
    apis: dict[str, str]
    http: httpx.AsyncClient
    buyers: Buyers
    reader: httpx.Auth

    @property
    def client(self) -> ShopClient:
        return ShopClient(self.http, self.apis)

    async def get(self, context: str, path: str, **params: Any) -> Any:
        response = await self.http.get(f"{self.apis[context]}{path}", params=params)
        response.raise_for_status()
        return response.json()

    async def order(self, order_id: UUID) -> dict[str, Any] | None:
        return await self.client.order(order_id, self.reader)

    async def create_product(self, stock: int, price: str = "12.50", currency: str = "EUR") -> UUID:
        catalog = self.apis["catalog"]
        category = await self.http.post(
            f"{catalog}/categories", json={"slug": CATEGORY, "name": "End-to-end"}
        )
        assert category.status_code in (201, 409), category.text
        body = {
            "name": f"E2E {uuid4().hex[:6]}",
            "category": CATEGORY,
            "price": price,
            "currency": currency,
            "initial_stock": stock,
        }
        created = await self.http.post(f"{catalog}/products", json=body)
        assert created.status_code == 201, created.text
        return UUID(created.json()["id"])

    async def stock(self, product_id: UUID) -> dict[str, int]:
        found: dict[str, int] = await self.get("catalog", f"/products/{product_id}/stock")
        return found

    async def order_of(self, product_id: UUID, quantity: int, key: str | None = None) -> UUID:
        """A customer's cart with one line, checked out; the order's id."""
        async with self.buyers.borrow() as buyer:
            return await self.order_as(buyer, product_id, quantity, key)

    async def order_as(
        self, buyer: LoggedIn, product_id: UUID, quantity: int, key: str | None = None
    ) -> UUID:
        """`buyer`'s cart with one line, checked out; the order's id."""
        await self.client.add_line(buyer.auth, Line(product_id, quantity))
        return await self.client.checkout(buyer.auth, key)

    async def final_order(self, order_id: UUID, within: float = ORDER_SECONDS) -> dict[str, Any]:
        """The order once confirmed or cancelled with every compensation acknowledged."""

        async def fetch() -> dict[str, Any] | None:
            return await self.order(order_id)

        def settled(order: dict[str, Any] | None) -> bool:
            return (
                order is not None
                and order["status"] in ("CONFIRMED", "CANCELLED")
                and (not order["awaiting"])
            )

        order = await eventually(fetch, settled, f"order {order_id} settled", within)
        assert order is not None
        return order

    async def process(self, name: str) -> dict[str, Any]:
        status = (await self.http.get(f"{self.control_url}/status")).json()
        found: dict[str, Any] = next(p for p in status["processes"] if p["name"] == name)
        return found

    async def control(self, action: str, name: str, env: dict[str, str] | None = None) -> None:
        body = {"env": env} if env is not None else None
        response = await self.http.post(f"{self.control_url}/processes/{name}/{action}", json=body)
        response.raise_for_status()
        if action != "stop":
            await eventually(
                lambda: self.process(name),
                lambda p: p["state"] == "ready",
                f"{name} ready",
                within=180,
            )

    @asynccontextmanager
    async def restarted(self, name: str, env: dict[str, str]) -> AsyncIterator[None]:
        """`name` runs with `env` inside the block, as the stack started it afterwards."""
        await self.control("restart", name, env)
        try:
            yield
        finally:
            await self.control("restart", name, {})
