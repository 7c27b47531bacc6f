"""A whole run on one stack: warm-up, idle cost, then the load steps, each measured apart."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bench.common.machine import LoadWatch
from bench.saga_parts import cpu, hops, legs, pg_stats
from bench.saga_parts.client import Storefront, logged_in, session
from bench.saga_parts.stack import RunningShop
from bench.saga_parts.steps import StepResult, run_step

STOCK_PER_PRODUCT = 100_000
WARMUP_ORDERS, WARMUP_RATE = 30, 5.0
IDLE_SECONDS = 5.0
DRAIN_SECONDS = 60.0
BUYERS = 32  # Dex's numbered demo customers; each is busy only from cart to checkout


@dataclass(frozen=True)
class Plan:
    rates: tuple[float, ...]
    orders_per_step: int
    grace_seconds: float
    stop_after_failures: int
    seed: int
    gateway_seconds: float
    """What the stack's mock card gateway waits per charge (shown beside the saga's legs)."""


async def _order_counts(shop: Storefront, control_url: str) -> dict[str, float]:
    async with shop.http.get(f"{control_url}/status") as reply:
        counts: dict[str, float] = (await reply.json())["orders"]
        return counts


async def drain(shop: Storefront, control_url: str) -> bool:
    """Wait until every placed order is finished (ordering's counters); False at the timeout."""
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        counts = await _order_counts(shop, control_url)
        if counts["placed"] <= counts["confirmed"] + counts["cancelled"]:
            await asyncio.sleep(2.0)  # trailing work: stock commits, notifications, reports
            return True
        await asyncio.sleep(0.5)
    return False


async def drive(running: RunningShop, plan: Plan, watch: LoadWatch) -> dict[str, Any]:
    """Every step of `plan` on a running shop; a JSON-ready account of the run."""
    rng = random.Random(plan.seed)
    admin, buyers = await logged_in(running.identity, BUYERS)
    async with session() as http:
        shop = Storefront(http, running.apis, admin, buyers)
        products = [p["id"] for p in await shop.products()]
        for product in products:
            await shop.receive_stock(product, STOCK_PER_PRODUCT)
        await run_step(
            shop,
            products,
            rate=WARMUP_RATE,
            count=WARMUP_ORDERS,
            grace_seconds=60,
            rng=rng,
        )
        await drain(shop, running.control_url)
        before = cpu.sample()
        await asyncio.sleep(IDLE_SECONDS)
        idle = cpu.sample().since(before)
        steps: list[dict[str, Any]] = []
        results: list[StepResult] = []
        failures = 0
        for rate in plan.rates:
            if failures >= plan.stop_after_failures:
                steps.append({"offered_per_s": rate, "skipped": True})
                continue
            watch.sample()
            if running.pg_stats is not None:
                await running.pg_stats.start()
            watch_hops = (
                hops.MetricsWatch(running.scrape_targets) if running.scrape_targets else None
            )
            if watch_hops is not None:
                watch_hops.start(http)
            load_start, before, since = cpu.load_average(), cpu.sample(), datetime.now(UTC)
            outcomes = await run_step(
                shop,
                products,
                rate=rate,
                count=plan.orders_per_step,
                grace_seconds=plan.grace_seconds,
                rng=rng,
            )
            drained = await drain(shop, running.control_url)
            until = datetime.now(UTC)
            result = StepResult(
                rate,
                outcomes,
                cpu.sample().since(before),
                load_start,
                cpu.load_average(),
                drained,
            )
            watch.sample()
            results.append(result)
            steps.append(result.summary())
            failures = 0 if result.sustainable else failures + 1
            print(step_line(steps[-1]), flush=True)
            print(machine_line(steps[-1]), flush=True)
            waits = await hops.inbox_waits(running.dsn, since, until)
            found = await watch_hops.finish(result.cpu.wall) if watch_hops is not None else {}
            steps[-1]["hops"] = {"inbox": waits, **found}
            print("\n".join(hops.lines(waits, found)), flush=True)
            sent = [
                legs.Sent(o.order_id, o.sent_at, o.seen_ms)
                for o in outcomes
                if o.order_id and o.sent_at and o.seen_ms is not None
            ]
            steps[-1]["legs"] = await legs.saga_legs(running.dsn, sent)
            steps[-1]["gateway_wait_ms"] = round(plan.gateway_seconds * 1000, 1)
            saga_p50 = steps[-1]["saga_p50_ms"]
            print(legs.line(steps[-1]["legs"], saga_p50, plan.gateway_seconds), flush=True)
            if running.pg_stats is not None:
                steps[-1]["postgres"] = await running.pg_stats.finish(len(result.finished))
                print(pg_stats.line(steps[-1]["postgres"]), flush=True)
    sustainable = [r.rate for r in results if r.sustainable]
    return {
        "idle_stack_cpu_ms_per_s": round(idle.stack * 1000 / IDLE_SECONDS, 1),
        "idle_cpu_ms_per_s_by_process": {
            name: round(seconds * 1000 / IDLE_SECONDS, 1)
            for name, seconds in sorted(idle.per_process.items(), key=lambda item: -item[1])
        },
        "steps": steps,
        "highest_sustainable_per_s": max(sustainable, default=0.0),
    }


HEADER = (
    f"{'offered/s':>10}{'achieved/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    f"{'cpu ms/order':>13}{'client ms':>10}  {'load avg':<16} outcomes"
)


def machine_line(step: dict[str, Any]) -> str:
    """Where the cores went during the step, below its row of the table."""
    outside = ", ".join(f"{name} {cores:.2f}" for name, cores in step["outside_cores"].items())
    return (
        f"{'':>10}cores: machine busy {step['machine_busy_cores']:.2f} (softirq "
        f"{step['machine_softirq_cores']:.2f}, iowait {step['machine_iowait_cores']:.2f}),"
        f" stack {step['stack_cores']:.2f}, client {step['client_cores']:.2f};"
        f" stack run-queue wait {step['stack_runqueue_wait_per_s']:.2f} s/s;"
        f" outside: {outside or '-'}"
    )


def step_line(step: dict[str, Any]) -> str:
    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}"

    outcomes = ", ".join(f"{name} {count}" for name, count in sorted(step["outcomes"].items()))
    load = "/".join(f"{value:.1f}" for value in step["loadavg_start"])
    return (
        f"{step['offered_per_s']:>10g}{step['achieved_per_s']:>11.1f}"
        f"{ms(step['saga_p50_ms']):>9}{ms(step['saga_p99_ms']):>9}{ms(step['saga_max_ms']):>9}"
        f"{step['stack_cpu_ms_per_order']:>13.1f}{step['client_cpu_ms_per_order']:>10.2f}"
        f"  {load:<16} {outcomes}"
    )
