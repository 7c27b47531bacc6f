"""CPU per request of a storefront's calls, by process, on a stack started as `make up`.

Starts the stack as `bench/saga.py` does (relay mode), logs the demo customers in, warms up,
measures each process's idle CPU, then runs each phase at a small concurrency and divides
every process's CPU (less its idle CPU over the phase) by the phase's count:

- `line`: `POST /carts/me/lines` (one product, quantity 1) into a one-line cart;
- `checkout`: a line, then the checkout with an `Idempotency-Key` (basket-api's share less the
  `line` phase's is the checkout);
- `order`: a line, the checkout, then the order's stream with `Prefer: wait` to its final
  status, as `bench/saga.py`'s client does (ordering-api's share is the stream);
- `get`: `GET /orders/{id}` of a finished order (what the client asks for a cancel's reason).

With `--profile DIR`, py-spy records basket-api and ordering-api during each phase
(`DIR/<phase>-<process>.txt`, raw collapsed stacks, idle frames left out). Ends with one JSON
line. `python -m bench.http_cost [--count 300] [--concurrency 4]` after `eval "$(make -s env)"`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

from bench.saga_parts import cpu
from bench.saga_parts.client import Storefront, logged_in, session
from bench.saga_parts.stack import RunningShop, started_shop

PROFILED = ("basket-api", "ordering-api")
BUYERS, IDLE_SECONDS, WARMUP, SETTLE_SECONDS = 32, 10.0, 40, 8.0
Call = Callable[[Storefront, int], Awaitable[None]]


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="requests (orders) per phase")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--profile", type=Path, help="py-spy output directory")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the stack")
    return parser.parse_args(argv)


@contextlib.contextmanager
def profiled(directory: Path | None, phase: str) -> Iterator[None]:
    """py-spy on the profiled APIs while the block runs (nothing without a directory)."""
    if directory is None:
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    command = ["py-spy", "record", "--nonblocking", "-r", "100", "-f", "raw"]
    spies = [
        subprocess.Popen(
            [*command, "-p", str(pid), "-o", str(directory / f"{phase}-{name}.txt")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name in PROFILED
        for pid in cpu.pids(name)
    ]
    time.sleep(1.0)  # py-spy attaches
    try:
        yield
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)
        for spy in spies:
            spy.wait(timeout=30)


async def run_phase(shop: Storefront, call: Call, count: int, concurrency: int) -> None:
    """`count` calls, `concurrency` at a time."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(count):
        queue.put_nowait(index)

    async def worker() -> None:
        while not queue.empty():
            await call(shop, queue.get_nowait())

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def per_request(
    spent: cpu.CpuSample, idle: dict[str, float], seconds: float, count: int
) -> dict[str, float]:
    """ms of CPU per request by process, idle CPU taken off, largest first."""
    costs = {
        name: (total - idle.get(name, 0.0) * seconds) * 1000 / count
        for name, total in spent.per_process.items()
    }
    return {k: round(v, 2) for k, v in sorted(costs.items(), key=lambda kv: -kv[1]) if v >= 0.05}


async def measure(running: RunningShop, args: argparse.Namespace) -> dict[str, object]:
    admin, buyers = await logged_in(running.identity, BUYERS)
    async with session() as http:
        shop = Storefront(http, running.apis, admin, buyers)
        product = (await shop.products())[0]["id"]
        await shop.receive_stock(product, 1_000_000)
        orders: list[tuple[dict[str, str], str]] = []

        async def line(shop: Storefront, _: int) -> None:
            async with shop.borrow() as buyer:
                await shop.add_line(buyer, product, 1)

        async def checkout(shop: Storefront, _: int) -> None:
            async with shop.borrow() as buyer:
                await shop.add_line(buyer, product, 1)
                await shop.checkout(buyer)

        async def order(shop: Storefront, _: int) -> None:
            async with shop.borrow() as buyer:
                await shop.add_line(buyer, product, 1)
                order_id = await shop.checkout(buyer)
            await shop.follow(buyer, order_id)
            orders.append((buyer, order_id))

        async def get(shop: Storefront, index: int) -> None:
            buyer, order_id = orders[index % len(orders)]
            async with shop.http.get(f"{shop.ordering}/orders/{order_id}", headers=buyer) as reply:
                reply.raise_for_status()
                await reply.read()

        await run_phase(shop, order, WARMUP, args.concurrency)
        orders.clear()  # each buyer's own orders only: the warm-up's are mixed
        await asyncio.sleep(3.0)
        before = cpu.sample()
        await asyncio.sleep(IDLE_SECONDS)
        idle_spent = cpu.sample().since(before).per_process
        idle = {name: spent / IDLE_SECONDS for name, spent in idle_spent.items()}
        phases: dict[str, object] = {}
        phases_run = (("line", line), ("checkout", checkout), ("order", order), ("get", get))
        for name, call in phases_run:
            with profiled(args.profile, name):
                started, before = time.monotonic(), cpu.sample()
                await run_phase(shop, call, args.count, args.concurrency)
                seconds = time.monotonic() - started
                spent = cpu.sample().since(before)
            await asyncio.sleep(SETTLE_SECONDS)  # sagas started by the phase finish
            phases[name] = {
                "seconds": round(seconds, 1),
                "cpu_ms_per_request": per_request(spent, idle, seconds, args.count),
                "loadavg": cpu.load_average(),
            }
            print(json.dumps({name: phases[name]}), flush=True)
    return {"idle_cpu_ms_per_s": {k: round(v * 1000, 1) for k, v in idle.items()}, **phases}


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    env = dict(pair.split("=", 1) for pair in args.env)
    with started_shop("relay", env) as running:
        result = asyncio.run(measure(running, args))
    print(json.dumps({**result, "count": args.count, "concurrency": args.concurrency}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
