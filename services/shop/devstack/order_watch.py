"""Ordering's saga counters for the status, sampled only while someone reads the status."""

from __future__ import annotations

import asyncio
import math
import time

import httpx

from shop.devstack.probes import OrderRate, scrape_order_counts

SAMPLE_SECONDS = 1.0
WATCHED_SECONDS = 5.0
"""The status counts as watched this long after it was last read (the live view reads it
every second, a polling client as often as it polls)."""


class OrderWatch:
    """Samples the ordering worker's counters into an `OrderRate`: once a second while the
    status is watched, and on demand before a status is served; never while nobody looks."""

    def __init__(
        self, worker_url: str | None, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.rate = OrderRate()
        self._transport = transport
        self._url = worker_url
        self._sampled_at = -math.inf
        self._asked_at = -math.inf
        self._client: httpx.AsyncClient | None = None

    def asked(self) -> None:
        """Note that the status was read."""
        self._asked_at = time.monotonic()

    async def refresh(self) -> None:
        """Take a sample, unless the last one is less than a second old."""
        if self._url is None or time.monotonic() - self._sampled_at < SAMPLE_SECONDS:
            return
        self._sampled_at = time.monotonic()
        if self._client is None:  # below uvicorn's 5 s keep-alive, as the probes' client
            limits = httpx.Limits(keepalive_expiry=2.0)
            self._client = httpx.AsyncClient(limits=limits, transport=self._transport)
        counts = await scrape_order_counts(self._client, self._url)
        if counts is not None:
            self.rate.add(counts)

    async def run(self) -> None:
        """Sample once a second while the status is watched, until cancelled."""
        try:
            while True:
                if time.monotonic() - self._asked_at < WATCHED_SECONDS:
                    await self.refresh()
                await asyncio.sleep(SAMPLE_SECONDS)
        finally:
            if self._client is not None:
                await self._client.aclose()
