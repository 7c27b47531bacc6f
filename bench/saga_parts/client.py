"""A storefront's calls to the shop's public APIs, on aiohttp (cheap per request): fill a cart,
check out, follow the order's server-sent events to its final status.

Customers log in at the stack's Dex first (the password grant, `shop.devstack.logins`); each
order borrows one until its checkout, so no two orders fill one cart at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
import httpx

from shop.devstack.identity import Identity
from shop.devstack.logins import admin_auth, log_in_customers

FINAL = frozenset({"CONFIRMED", "CANCELLED"})
NOT_PLACED_RETRY_SECONDS = (0.05, 0.5)  # first wait, longest (doubling in between)
PLACED_WAIT = "wait=10"
LOGIN_TIMEOUT_SECONDS = 180  # the order stream waits this long for a just-checked-out order
UNKNOWN_PRODUCT = "urn:shopkeeper:problem:unknown-product"
# Below uvicorn's 5 s keep-alive, so a request never goes out on a connection being closed.
KEEPALIVE_SECONDS = 2.0


class ShopError(Exception):
    """An API answered something a storefront cannot go on with."""


@dataclass(frozen=True)
class Final:
    """An order's final status, the server's time of it and the client's of its arrival."""

    status: str
    cancel_reason: str | None
    at: datetime
    seen_at: datetime


def session() -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE_SECONDS)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=60)
    return aiohttp.ClientSession(connector=connector, timeout=timeout)


Headers = dict[str, str]


def bearer(token: str) -> Headers:
    return {"Authorization": f"Bearer {token}"}


async def logged_in(identity: Identity, customers: int) -> tuple[Headers, list[Headers]]:
    """An admin's headers (the demo client's own token) and `customers` customers' headers."""
    # Dex checks each password with bcrypt: on a loaded machine 32 logins at once take long.
    async with httpx.AsyncClient(timeout=LOGIN_TIMEOUT_SECONDS) as http:
        admin = await admin_auth(identity, http).token()
        buyers = await log_in_customers(identity, http, customers)
        return bearer(admin), [bearer(await buyer.auth.token()) for buyer in buyers]


class Storefront:
    """The catalog, basket and ordering APIs of one running shop, as its logged-in customers."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        apis: dict[str, str],
        admin: Headers,
        buyers: list[Headers],
    ) -> None:
        self.http = http
        self.catalog, self.basket, self.ordering = (
            apis[name] for name in ("catalog", "basket", "ordering")
        )
        self.admin = admin
        self._idle: asyncio.Queue[Headers] = asyncio.Queue()
        for buyer in buyers:
            self._idle.put_nowait(buyer)

    @contextlib.asynccontextmanager
    async def borrow(self) -> AsyncIterator[Headers]:
        """A customer whose cart no other order is filling (until the block ends)."""
        buyer = await self._idle.get()
        try:
            yield buyer
        finally:
            self._idle.put_nowait(buyer)

    async def products(self) -> list[dict[str, Any]]:
        async with self.http.get(f"{self.catalog}/products", params={"limit": "100"}) as reply:
            reply.raise_for_status()
            body = await reply.json()
        return [p for p in body["items"] if p["active"]]

    async def receive_stock(self, product_id: str, quantity: int) -> None:
        url = f"{self.catalog}/products/{product_id}/stock/receipts"
        async with self.http.post(url, json={"quantity": quantity}, headers=self.admin) as reply:
            reply.raise_for_status()

    async def add_line(self, buyer: Headers, product_id: str, quantity: int) -> None:
        """Put a line into the cart; waits while the basket has not heard of the product."""
        body = {"product_id": product_id, "quantity": quantity}
        url = f"{self.basket}/carts/me/lines"
        for _ in range(500):
            async with self.http.post(url, json=body, headers=buyer) as reply:
                if reply.status < 300:
                    return
                problem = await reply.json(content_type=None)
                if reply.status != 422 or problem.get("type") != UNKNOWN_PRODUCT:
                    raise ShopError(f"add line: {reply.status} {problem}")
            await asyncio.sleep(0.1)
        raise ShopError(f"the basket never learnt of product {product_id}")

    async def checkout(self, buyer: Headers) -> str:
        headers = {**buyer, "Idempotency-Key": str(uuid.uuid4())}
        url = f"{self.basket}/carts/me/checkout"
        async with self.http.post(url, headers=headers, json={}) as reply:
            if reply.status != 202:
                raise ShopError(f"checkout: {reply.status} {await reply.text()}")
            return str((await reply.json())["order_id"])

    async def follow(self, buyer: Headers, order_id: str) -> Final:
        """Read the order's event stream until a final status (the API waits until it is
        placed, up to `PLACED_WAIT`; after that the client asks again)."""
        url = f"{self.ordering}/orders/{order_id}/events"
        headers = {**buyer, "Prefer": PLACED_WAIT}
        wait, longest = NOT_PLACED_RETRY_SECONDS
        while True:
            async with self.http.get(url, headers=headers) as stream:
                if stream.status == 404:  # ordering has not consumed the checkout yet
                    await asyncio.sleep(wait)
                    wait = min(longest, wait * 2)
                    continue
                if stream.status != 200:
                    raise ShopError(f"order stream: {stream.status}")
                async for line in stream.content:
                    if not line.startswith(b"data:"):
                        continue
                    entry = json.loads(line[5:])
                    if entry["status"] in FINAL:
                        seen_at = datetime.now(UTC)
                        at = datetime.fromisoformat(entry["at"])
                        reason = await self._cancel_reason(buyer, order_id, entry["status"])
                        return Final(entry["status"], reason, at, seen_at)
            raise ShopError(f"the stream of order {order_id} ended before a final status")

    async def _cancel_reason(self, buyer: Headers, order_id: str, status: str) -> str | None:
        if status != "CANCELLED":
            return None
        async with self.http.get(f"{self.ordering}/orders/{order_id}", headers=buyer) as reply:
            reply.raise_for_status()
            reason: str | None = (await reply.json())["cancel_reason"]
            return reason
