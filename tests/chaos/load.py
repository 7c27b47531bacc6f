"""A steady order load that rides out faults: each order is retried, under its idempotency key,
until the shop accepts it; every answer the APIs gave is counted, so a 500 cannot hide."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import httpx

from infra.fixtures_identity import Buyers, LoggedIn
from shop.devstack.demo_client import UNKNOWN_PRODUCT, problem_type

RETRY_PAUSE_SECONDS = 0.3
LONGEST_PAUSE_SECONDS = 1.0
ORDER_DEADLINE_SECONDS = 120.0


class OrderNotAcceptedError(Exception):
    """The shop did not accept an order within the deadline, or refused it outright."""


@dataclass
class LoadRecord:
    """What the load saw: accepted orders and every status (or transport failure) per API."""

    accepted: set[UUID] = field(default_factory=set)
    answers: Counter[tuple[str, str]] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)

    def count(self, api: str, outcome: str) -> None:
        self.answers[(api, outcome)] += 1

    @property
    def unavailable(self) -> int:
        return sum(n for (_, outcome), n in self.answers.items() if outcome == "503")

    @property
    def transport_failures(self) -> int:
        return sum(n for (_, outcome), n in self.answers.items() if outcome == "transport")


class ChaosShopper:
    """Orders through the basket (a customer of Dex lent to each order until its checkout) and
    follows them in ordering."""

    def __init__(
        self, http: httpx.AsyncClient, apis: dict[str, str], record: LoadRecord, buyers: Buyers
    ) -> None:
        self.http, self.apis, self.record, self.buyers = http, apis, record, buyers

    async def _send(
        self, api: str, method: str, path: str, accept: Callable[[httpx.Response], bool], **kw: Any
    ) -> httpx.Response:
        """The first answer `accept` takes; 503s and lost connections are retried."""
        deadline = time.monotonic() + ORDER_DEADLINE_SECONDS
        while True:
            pause = RETRY_PAUSE_SECONDS
            try:
                response = await self.http.request(method, f"{self.apis[api]}{path}", **kw)
            except httpx.TransportError as err:
                self.record.count(api, "transport")
                last = f"{type(err).__name__}"
            else:
                self.record.count(api, str(response.status_code))
                if response.status_code >= 500 and response.status_code != 503:
                    self.record.server_errors.append(f"{method} {api}{path}: {response.text}")
                if accept(response):
                    return response
                if response.status_code == 503:
                    pause = min(
                        float(response.headers.get("retry-after", 1)), LONGEST_PAUSE_SECONDS
                    )
                last = f"{response.status_code} {response.text[:200]}"
            if time.monotonic() > deadline:
                raise OrderNotAcceptedError(f"{method} {api}{path}: last {last}")
            await asyncio.sleep(pause)

    async def place(self, product_id: UUID, quantity: int) -> UUID:
        """A customer's cart with one line, checked out under one key; the order's id."""
        async with self.buyers.borrow() as buyer:
            return await self._place_as(buyer, product_id, quantity)

    async def _place_as(self, buyer: LoggedIn, product_id: UUID, quantity: int) -> UUID:
        line = {"product_id": str(product_id), "quantity": quantity}

        def line_added(response: httpx.Response) -> bool:
            if response.status_code == 422 and problem_type(response) == UNKNOWN_PRODUCT:
                return False  # the basket has not heard of the product yet
            return response.status_code < 500

        # A retry after a lost answer may add the line twice: the invariants count what the
        # orders hold, not what was asked.
        added = await self._send(
            "basket", "POST", "/carts/me/lines", line_added, json=line, headers=buyer.headers
        )
        if added.status_code != 200:
            raise OrderNotAcceptedError(f"line refused: {added.status_code} {added.text}")
        headers = {**buyer.headers, "Idempotency-Key": uuid4().hex}
        checkout = await self._send(
            "basket",
            "POST",
            "/carts/me/checkout",
            lambda r: r.status_code < 500,
            headers=headers,
        )
        if checkout.status_code != 202:
            raise OrderNotAcceptedError(f"checkout refused: {checkout.status_code} {checkout.text}")
        order_id = UUID(checkout.json()["order_id"])
        self.record.accepted.add(order_id)
        return order_id

    async def settled(self, order_id: UUID) -> dict[str, Any]:
        """The order once final with nothing awaited (polling through faults)."""

        def final(response: httpx.Response) -> bool:
            if response.status_code != 200:
                return False
            order = response.json()
            return order["status"] in ("CONFIRMED", "CANCELLED") and not order["awaiting"]

        response = await self._send("ordering", "GET", f"/orders/{order_id}", final)
        found: dict[str, Any] = response.json()
        return found


async def steady_load(
    shopper: ChaosShopper,
    products: list[UUID],
    stop: asyncio.Event,
    *,
    customers: int,
    pause_seconds: float,
    rng: random.Random,
) -> None:
    """`customers` loops placing orders until `stop` is set (each finishes its order)."""

    async def customer() -> None:
        while not stop.is_set():
            await shopper.place(rng.choice(products), rng.randint(1, 3))
            await asyncio.sleep(pause_seconds)

    await asyncio.gather(*(customer() for _ in range(customers)))


async def timed(step: Callable[[], Awaitable[object]]) -> float:
    """Seconds `step` took."""
    started = time.monotonic()
    await step()
    return time.monotonic() - started
