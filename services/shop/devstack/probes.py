"""HTTP probes of the supervised processes and the order counters the status view shows."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families

from shop.devstack.http_probe import status_of

PROBE_TIMEOUT_SECONDS = 3.0
SAGA_COUNTERS = ("shop_orders_placed_total", "shop_saga_outcomes_total")


@dataclass(frozen=True)
class Probe:
    """What a process answered: `alive` None means it did not answer at all; `ready` None
    that readiness was not asked."""

    alive: bool | None
    ready: bool | None


async def probe(base_url: str, *, readiness: bool = True) -> Probe:
    """`/livez`, and `/readyz` too if `readiness` (it checks the database and Kafka: dearer)."""
    live = await status_of(f"{base_url}/livez", PROBE_TIMEOUT_SECONDS)
    if live is None:
        return Probe(alive=None, ready=False)
    if not readiness:
        return Probe(alive=live == 200, ready=None)
    ready = await status_of(f"{base_url}/readyz", PROBE_TIMEOUT_SECONDS)
    return Probe(alive=live == 200, ready=ready == 200)


@dataclass(frozen=True)
class OrderCounts:
    """Totals from ordering's saga metrics."""

    placed: float = 0.0
    confirmed: float = 0.0
    cancelled: float = 0.0

    @property
    def finished(self) -> float:
        return self.confirmed + self.cancelled


def parse_order_counts(metrics_text: str) -> OrderCounts:
    """Orders placed and finished, from a Prometheus text exposition of the ordering worker.

    Only the saga's lines are parsed: the exposition is long, and this runs every second."""
    placed = confirmed = cancelled = 0.0
    wanted = "\n".join(line for line in metrics_text.splitlines() if line.startswith(SAGA_COUNTERS))
    for family in text_string_to_metric_families(wanted):
        for sample in family.samples:
            if sample.name == "shop_orders_placed_total":
                placed += sample.value
            elif sample.name == "shop_saga_outcomes_total":
                if sample.labels.get("outcome") == "confirmed":
                    confirmed += sample.value
                elif sample.labels.get("outcome") == "cancelled":
                    cancelled += sample.value
    return OrderCounts(placed, confirmed, cancelled)


async def scrape_order_counts(client: httpx.AsyncClient, base_url: str) -> OrderCounts | None:
    """The saga's counters alone (`name[]`: the worker collects nothing else for it)."""
    wanted = {"name[]": list(SAGA_COUNTERS)}
    try:
        response = await client.get(
            f"{base_url}/metrics", params=wanted, timeout=PROBE_TIMEOUT_SECONDS
        )
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    return parse_order_counts(response.text)


class OrderRate:
    """Finished orders per second over a sliding window of samples."""

    def __init__(self, window_seconds: float = 10.0) -> None:
        self.window_seconds = window_seconds
        self._samples: deque[tuple[float, float]] = deque()
        self.latest = OrderCounts()

    def add(self, counts: OrderCounts, at: float | None = None) -> None:
        now = time.monotonic() if at is None else at
        if self._samples and counts.finished < self._samples[-1][1]:
            self._samples.clear()  # the worker restarted: its counters began again
        self._samples.append((now, counts.finished))
        self.latest = counts
        while len(self._samples) > 2 and now - self._samples[0][0] > self.window_seconds:
            self._samples.popleft()

    def per_second(self) -> float:
        if len(self._samples) < 2:
            return 0.0
        (t0, n0), (t1, n1) = self._samples[0], self._samples[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 else 0.0
