"""One customer's way through the shop's public APIs: fill a cart, check out, follow the order.

Every call but the catalog's carries the customer's token (`auth`); carts are addressed as
`/carts/me`, the token's subject.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID, uuid4

import httpx

from shop.devstack.errors import DevstackError

FINAL = frozenset({"CONFIRMED", "CANCELLED"})
UNKNOWN_PRODUCT = "urn:shopkeeper:problem:unknown-product"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
RETRY_SECONDS = 0.2
TRANSPORT_ATTEMPTS = 3
# Below uvicorn's 5 s keep-alive: the client drops an idle connection before the server does,
# so a request is never sent on a connection the server is closing.
KEEPALIVE_EXPIRY_SECONDS = 2.0


def http_limits(connections: int) -> httpx.Limits:
    """Connection limits for a client of the shop's APIs."""
    return httpx.Limits(max_connections=connections, keepalive_expiry=KEEPALIVE_EXPIRY_SECONDS)


def require_loopback(url: str) -> str:
    """`url` if it points at this machine; the demo drives only a local shop."""
    host = urlsplit(url).hostname
    if host not in LOOPBACK_HOSTS:
        raise DevstackError(f"{url} is not a loopback address; shop demo drives only a local shop")
    return url


@dataclass(frozen=True)
class Line:
    product_id: UUID
    quantity: int


@dataclass(frozen=True)
class FinishedOrder:
    """An order at its final status, with the server's time of that status."""

    order_id: UUID
    status: str
    cancel_reason: str | None
    finished_at: datetime


class ShopClient:
    """The catalog, basket and ordering APIs of one local shop."""

    def __init__(self, http: httpx.AsyncClient, apis: dict[str, str]) -> None:
        missing = {"catalog", "basket", "ordering"} - set(apis)
        if missing:
            raise DevstackError(f"the shop lacks the {', '.join(sorted(missing))} API")
        self.http = http
        self.catalog, self.basket, self.ordering = (
            require_loopback(apis[name]) for name in ("catalog", "basket", "ordering")
        )

    async def products_on_sale(self) -> list[dict[str, Any]]:
        """Active products with stock available (the first 100)."""
        response = await self.http.get(f"{self.catalog}/products", params={"limit": 100})
        response.raise_for_status()
        return [p for p in response.json()["items"] if p["stock"]["available"] > 0]

    async def add_line(self, customer: httpx.Auth, line: Line, within: float = 30) -> None:
        """Put a line in the cart; waits while the basket has not yet heard of the product."""
        deadline = time.monotonic() + within
        body = {"product_id": str(line.product_id), "quantity": line.quantity}
        while True:
            response = await self.http.post(
                f"{self.basket}/carts/me/lines", json=body, auth=customer
            )
            unknown = response.status_code == 422 and problem_type(response) == UNKNOWN_PRODUCT
            if not unknown or time.monotonic() > deadline:
                response.raise_for_status()
                return
            await asyncio.sleep(RETRY_SECONDS)

    async def checkout(self, customer: httpx.Auth, key: str | None = None) -> UUID:
        """Check the cart out under an idempotency key (so it is safely retried); the order."""
        headers = {"Idempotency-Key": key or str(uuid4())}
        url = f"{self.basket}/carts/me/checkout"
        response = await self._idempotent("POST", url, headers=headers, auth=customer)
        response.raise_for_status()
        return UUID(response.json()["order_id"])

    async def order(self, order_id: UUID, customer: httpx.Auth) -> dict[str, Any] | None:
        url = f"{self.ordering}/orders/{order_id}"
        response = await self._idempotent("GET", url, auth=customer)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        order: dict[str, Any] = response.json()
        return order

    async def status_events(
        self, order_id: UUID, customer: httpx.Auth
    ) -> AsyncIterator[dict[str, Any]]:
        """The order's status entries as its SSE stream sends them (waits for the order)."""
        url = f"{self.ordering}/orders/{order_id}/events"
        seen = 0
        failures = 0
        while True:
            headers = {"Last-Event-ID": str(seen)}
            try:
                async with self.http.stream(
                    "GET", url, headers=headers, auth=customer, timeout=httpx.Timeout(30, read=60)
                ) as stream:
                    if stream.status_code == 404:
                        await asyncio.sleep(RETRY_SECONDS)  # the order is not placed yet
                        continue
                    stream.raise_for_status()
                    async for data in _sse_data(stream.aiter_lines()):
                        seen = int(data["sequence"])
                        yield data
                    return
            except httpx.TransportError:
                failures += 1
                if failures >= TRANSPORT_ATTEMPTS:
                    raise
                await asyncio.sleep(RETRY_SECONDS)  # reconnect, resuming after `seen`

    async def _idempotent(self, method: str, url: str, **options: Any) -> httpx.Response:
        """A request that may be repeated, retried when the connection fails."""
        for attempt in range(1, TRANSPORT_ATTEMPTS + 1):
            try:
                return await self.http.request(method, url, **options)
            except httpx.TransportError:
                if attempt == TRANSPORT_ATTEMPTS:
                    raise
                await asyncio.sleep(RETRY_SECONDS)
        raise AssertionError("unreachable")

    async def follow(self, order_id: UUID, customer: httpx.Auth) -> FinishedOrder:
        """Follow the order's stream until it is confirmed or cancelled."""
        async for entry in self.status_events(order_id, customer):
            if entry["status"] in FINAL:
                order = await self.order(order_id, customer)
                reason = order["cancel_reason"] if order else None
                at = datetime.fromisoformat(entry["at"])
                return FinishedOrder(order_id, entry["status"], reason, at)
        raise DevstackError(f"the stream of order {order_id} ended before a final status")


async def _sse_data(lines: AsyncIterator[str]) -> AsyncIterator[dict[str, Any]]:
    """The JSON `data` of each server-sent event (comments and other fields skipped)."""
    data: list[str] = []
    async for line in lines:
        if line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line and data:
            yield json.loads("\n".join(data))
            data = []


def problem_type(response: httpx.Response) -> str | None:
    """The `type` of a problem+json answer, if it is one."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("type") if isinstance(body, dict) else None
