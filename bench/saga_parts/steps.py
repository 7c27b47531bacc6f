"""One load step: `count` orders started open-loop at `rate`/s, each followed to its end."""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
from bench.saga_parts import cpu
from bench.saga_parts.client import Final, ShopError, Storefront

UNFINISHED, FAILED = "UNFINISHED", "FAILED"
SUSTAINABLE_SHARE, SUSTAINABLE_P99_MS = 0.95, 1000.0


@dataclass(frozen=True)
class Outcome:
    status: str
    reason: str | None = None
    started: float = 0.0  # perf_counter when the checkout went out
    saga_ms: float | None = None
    finished: float | None = None  # perf_counter of the final status, by the server's clock
    error: str | None = None
    order_id: str | None = None
    sent_at: datetime | None = None  # the checkout's send, by the client's wall clock
    seen_ms: float | None = None
    """From the final status (the server's clock) to its arrival in the order's stream."""


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile; infinite values (unfinished orders) sort last."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


async def one_order(shop: Storefront, product: str, deadline: float) -> Outcome:
    """Cart, checkout, then the order's stream until final, all before `deadline` (loop time)."""
    started = time.perf_counter()
    try:
        async with asyncio.timeout_at(deadline):
            async with shop.borrow() as buyer:
                await shop.add_line(buyer, product, 1)
                started, wall = time.perf_counter(), datetime.now(UTC)
                order_id = await shop.checkout(buyer)
            final: Final = await shop.follow(buyer, order_id)
    except TimeoutError:
        return Outcome(UNFINISHED, started=started)
    except (aiohttp.ClientError, ShopError) as err:
        return Outcome(FAILED, started=started, error=repr(err)[:200])
    saga_ms = (final.at - wall).total_seconds() * 1000
    return Outcome(
        final.status,
        final.cancel_reason,
        started,
        saga_ms,
        started + saga_ms / 1000,
        order_id=order_id,
        sent_at=wall,
        seen_ms=(final.seen_at - final.at).total_seconds() * 1000,
    )


@dataclass(frozen=True)
class StepResult:
    rate: float
    outcomes: list[Outcome]
    cpu: cpu.CpuSample
    loadavg_start: list[float]
    loadavg_end: list[float]
    drained: bool

    @property
    def finished(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.finished is not None]

    @property
    def achieved(self) -> float:
        """Orders finished per second while they finished, from the first final status to the
        last. Open-loop, a stack that keeps up finishes orders at the rate they were started,
        shifted by its latency; one that falls behind spreads them out. Latency is judged apart
        (p99); counting from the first start instead (`achieved_since_first_start`) charges the
        step its last order's saga once: 200 orders at 50/s and 0.4 s sagas give 91 %."""
        finishes = sorted(o.finished for o in self.outcomes if o.finished is not None)
        if len(finishes) < 2:
            return 0.0
        span = finishes[-1] - finishes[0]
        return (len(finishes) - 1) / span if span > 0 else 0.0

    @property
    def achieved_since_first_start(self) -> float:
        """Orders finished per second from the first checkout to the last final status (the
        benchmark's `achieved` until issue 10's seventh pass)."""
        done = [o.finished for o in self.outcomes if o.finished is not None]
        if len(done) < 2:
            return 0.0
        span = max(done) - min(o.started for o in self.outcomes)
        return len(done) / span if span > 0 else 0.0

    def saga_ms(self, share: float) -> float:
        sagas = [o.saga_ms if o.saga_ms is not None else math.inf for o in self.outcomes]
        return percentile(sagas, share)

    @property
    def sustainable(self) -> bool:
        return (
            self.achieved >= SUSTAINABLE_SHARE * self.rate
            and self.saga_ms(0.99) <= SUSTAINABLE_P99_MS
        )

    def summary(self) -> dict[str, Any]:
        counts = Counter(o.status + (f" ({o.reason})" if o.reason else "") for o in self.outcomes)
        done = max(1, len(self.finished))
        top = sorted(self.cpu.per_process.items(), key=lambda item: -item[1])
        return {
            "offered_per_s": self.rate,
            "achieved_per_s": round(self.achieved, 1),
            "achieved_since_first_start_per_s": round(self.achieved_since_first_start, 1),
            "saga_p50_ms": _ms(self.saga_ms(0.5)),
            "saga_p99_ms": _ms(self.saga_ms(0.99)),
            "saga_max_ms": _ms(self.saga_ms(1.0)),
            "stack_cpu_ms_per_order": round(self.cpu.stack * 1000 / done, 1),
            "client_cpu_ms_per_order": round(self.cpu.client * 1000 / done, 2),
            "cpu_ms_per_order_by_process": {n: round(s * 1000 / done, 1) for n, s in top[:12]},
            **machine_figures(self.cpu),
            "outcomes": dict(counts),
            "errors": sorted({o.error for o in self.outcomes if o.error})[:3],
            "sustainable": self.sustainable,
            "drained": self.drained,
            "loadavg_start": self.loadavg_start,
            "loadavg_end": self.loadavg_end,
        }


def machine_figures(spent: cpu.CpuSample) -> dict[str, Any]:
    """Cores in use over a difference of samples: the machine's (/proc/stat), the stack's sum,
    the client's, what else ran, and the stack threads' run-queue wait per second of wall."""
    wall = max(spent.wall, 1e-9)
    ticks = spent.machine
    return {
        "machine_busy_cores": round(ticks.busy_cores(wall), 2) if ticks else None,
        "machine_softirq_cores": round(ticks.cores("softirq", wall), 2) if ticks else None,
        "machine_iowait_cores": round(ticks.cores("iowait", wall), 2) if ticks else None,
        "stack_cores": round(spent.stack / wall, 2),
        "client_cores": round(spent.client / wall, 2),
        "outside_cores": {name: round(s / wall, 2) for name, s in spent.outside.items()},
        "stack_runqueue_wait_per_s": round(spent.runqueue_wait / wall, 2),
        "step_wall_s": round(wall, 1),
    }


def _ms(value: float) -> float | None:
    return None if math.isinf(value) else round(value, 1)


async def run_step(
    shop: Storefront,
    products: list[str],
    *,
    rate: float,
    count: int,
    grace_seconds: float,
    rng: random.Random,
) -> list[Outcome]:
    """Start `count` orders at `rate`/s whatever the answers (open loop); wait for them all,
    until `grace_seconds` after the last one started."""
    loop = asyncio.get_running_loop()
    begin = loop.time()
    deadline = begin + count / rate + grace_seconds
    tasks = []
    for index in range(count):
        await asyncio.sleep(max(0.0, begin + index / rate - loop.time()))
        tasks.append(asyncio.create_task(one_order(shop, rng.choice(products), deadline)))
    return list(await asyncio.gather(*tasks))
