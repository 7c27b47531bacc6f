"""`shop demo`: N orders through the saga of a running `shop up`, paced, bounded in time."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx

from shop.common.auth.token_client import TokenRequestError
from shop.devstack.demo_client import Line, ShopClient, http_limits, require_loopback
from shop.devstack.errors import DevstackError
from shop.devstack.logins import Customer, CustomerPool, log_in_customers
from shop.devstack.state_file import StackState

UNFINISHED, FAILED = "UNFINISHED", "FAILED"
FINISHED_STATUSES = ("CONFIRMED", "CANCELLED")


@dataclass(frozen=True)
class DemoOptions:
    orders: int = 100
    rate: float = 20.0
    payment_failure_rate: float | None = None
    time_limit_seconds: float | None = None
    seed: int | None = None
    max_in_flight: int = 200

    def __post_init__(self) -> None:
        if not 1 <= self.orders <= 100_000:
            raise ValueError("--orders must be between 1 and 100000")
        if not 0 < self.rate <= 1000:
            raise ValueError("--rate must be above 0 and at most 1000 orders per second")
        if self.payment_failure_rate is not None and not 0 <= self.payment_failure_rate <= 1:
            raise ValueError("--payment-failure-rate must be between 0 and 1")
        if self.time_limit_seconds is not None and self.time_limit_seconds <= 0:
            raise ValueError("--time-limit must be positive")

    @property
    def time_limit(self) -> float:
        """The explicit limit, or three times the pacing time plus a minute."""
        return self.time_limit_seconds or 60 + 3 * self.orders / self.rate


@dataclass(frozen=True)
class OrderOutcome:
    status: str
    reason: str | None = None
    order_id: UUID | None = None
    checkout_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None

    @property
    def saga_ms(self) -> float | None:
        """From the checkout request to the order's final status, by the server's clock."""
        if self.checkout_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.checkout_at).total_seconds() * 1000


async def set_payment_failure_rate(http: httpx.AsyncClient, control_url: str, rate: float) -> None:
    """Restart the payment worker with the mock gateway declining `rate` of the charges."""
    env = {"SHOP_PAYMENT_GATEWAY_FAILURE_RATE": str(rate)}
    url = require_loopback(control_url)
    name = await process_running(http, url, "payment", "worker")
    response = await http.post(f"{url}/processes/{name}/restart", json={"env": env})
    response.raise_for_status()
    await wait_stack_ready(http, url, within=120)


async def process_running(
    http: httpx.AsyncClient, control_url: str, context: str, kind: str
) -> str:
    """The name of the process that runs `context`'s `kind` (alone, or combined with others)."""
    status = (await http.get(f"{control_url}/status")).json()
    for process in status["processes"]:
        if process["context"] == context and kind in process["kind"].split("+"):
            return str(process["name"])
    raise DevstackError(f"the running shop has no {context}-{kind}")


async def wait_stack_ready(http: httpx.AsyncClient, control_url: str, within: float) -> None:
    deadline = time.monotonic() + within
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status = (await http.get(f"{control_url}/status")).json()
        if status["ready"]:
            return
        await asyncio.sleep(0.5)
    waiting = [p["name"] for p in status.get("processes", []) if p["state"] != "ready"]
    raise DevstackError(f"the shop is not ready after {within:.0f}s (waiting: {waiting})")


async def demo_customers(state: StackState, http: httpx.AsyncClient, count: int) -> list[Customer]:
    """The stack's demo customers, logged in at its identity provider."""
    if state.identity is None:
        raise DevstackError("the running shop names no identity provider (start it with make up)")
    try:
        return await log_in_customers(state.identity, http, count)
    except TokenRequestError as err:
        raise DevstackError(f"logging the demo customers in failed: {err}") from None


def pick_lines(rng: random.Random, products: list[dict[str, Any]]) -> list[Line]:
    chosen = rng.sample(products, k=min(len(products), rng.randint(1, 3)))
    return [Line(UUID(p["id"]), rng.randint(1, 2)) for p in chosen]


async def one_order(
    shop: ShopClient, customers: CustomerPool, lines: list[Line], deadline: float
) -> OrderOutcome:
    """Fill a customer's cart, check out, follow the order, all before the loop time `deadline`.

    The customer is borrowed until the checkout only: following the order needs their token,
    not their cart.
    """
    order_id: UUID | None = None
    checkout_at: datetime | None = None
    step = "add to cart"
    try:
        async with asyncio.timeout_at(deadline):
            async with customers.borrow() as customer:
                for line in lines:
                    await shop.add_line(customer.auth, line)
                step, checkout_at = "checkout", datetime.now(UTC)
                order_id = await shop.checkout(customer.auth, key=str(uuid.uuid4()))
            step = "follow the order"
            done = await shop.follow(order_id, customer.auth)
    except TimeoutError:
        return OrderOutcome(UNFINISHED, None, order_id, checkout_at)
    except (httpx.HTTPError, DevstackError, TokenRequestError) as err:
        error = f"{step}: {err!r}"[:300]
        return OrderOutcome(FAILED, None, order_id, checkout_at, error=error)
    return OrderOutcome(done.status, done.cancel_reason, order_id, checkout_at, done.finished_at)


async def run_demo(
    state: StackState,
    options: DemoOptions,
    progress: Callable[[int, int], None] | None = None,
) -> list[OrderOutcome]:
    """Place `options.orders` orders at `options.rate` per second; each one's outcome."""
    limits = http_limits(options.max_in_flight * 2)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        control = require_loopback(state.control_url)
        if options.payment_failure_rate is not None:
            await set_payment_failure_rate(http, control, options.payment_failure_rate)
        await wait_stack_ready(http, control, within=120)
        shop = ShopClient(http, state.apis)
        products = await shop.products_on_sale()
        if not products:
            raise DevstackError("the catalog has no product in stock (start shop up with a seed)")
        customers = CustomerPool(await demo_customers(state, http, options.max_in_flight))
        rng = random.Random(options.seed)
        gate = asyncio.Semaphore(options.max_in_flight)
        finished: list[OrderOutcome] = []
        deadline = asyncio.get_running_loop().time() + options.time_limit

        async def place(lines: list[Line]) -> OrderOutcome:
            async with gate:
                outcome = await one_order(shop, customers, lines, deadline)
            finished.append(outcome)
            if progress is not None:
                progress(len(finished), options.orders)
            return outcome

        tasks = []
        started = time.monotonic()
        for index in range(options.orders):
            await asyncio.sleep(max(0.0, started + index / options.rate - time.monotonic()))
            lines = pick_lines(rng, products)
            tasks.append(asyncio.create_task(place(lines)))
        return list(await asyncio.gather(*tasks))
