"""Server-sent events of one order's history, until its saga has nothing more to say.

Each entry is one `status` event whose id is its sequence, so a client reconnecting with
`Last-Event-ID` resumes where it left off. The stream reads the history once to open (one
round trip: the order's progress with its entries), then sends the entries the history feed
announces (LISTEN/NOTIFY: the notification carries them, with the order's progress); it reads
again only when a notification came without them, when entries are missing, and at the
latest every `poll_seconds` as a fallback. It sends a comment as keep-alive while nothing
happens.

A storefront opens the stream right after its checkout, usually before ordering has placed
the order: with `Prefer: wait=N` (RFC 7240) the request waits up to N seconds (at most
`MAX_PLACED_WAIT_SECONDS`) for the order to be placed, woken by the same feed, instead of
answering 404 at once and being asked again; the feed's news of the placement answers it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from shop.common.jsonable import to_jsonable
from shop.common.read_pool import ReadPool
from shop.ordering.adapters.history_feed import HistoryFeed, HistoryNews, Watch
from shop.ordering.adapters.queries import (
    SagaProgress,
    progress_and_history_since,
    saga_progress,
)

FINAL = ("CONFIRMED", "CANCELLED")
MAX_PLACED_WAIT_SECONDS = 30.0
_PREFER_WAIT = re.compile(r"(?:^|[,;\s])wait\s*=\s*(\d+(?:\.\d+)?)", re.IGNORECASE)


@dataclass(frozen=True)
class StreamTiming:
    poll_seconds: float
    keepalive_seconds: float


def sse(entry: dict[str, object]) -> bytes:
    """One history entry as a `status` event (without its order id: the stream names it)."""
    shown = {key: value for key, value in entry.items() if key != "order_id"}
    data = json.dumps(to_jsonable(shown), separators=(",", ":"))
    return f"id: {entry['sequence']}\nevent: status\ndata: {data}\n\n".encode()


async def changed_within(watch: Watch, seconds: float) -> None:
    """Until the watch reports a change, at most `seconds` (no task, unlike `wait_for`)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await watch.changed.wait()


Found = tuple[SagaProgress | None, list[dict[str, Any]]]
"""An order's progress and its history entries after the stream's last one."""


def continued(news: list[HistoryNews] | None, after: int) -> Found | None:
    """What the feed's news add after entry `after`, with the latest progress; None when the
    database must be read instead (a change came without its entries, or entries are missing)."""
    if not news:
        return None
    entries = [entry for item in news for entry in item.entries if entry["sequence"] > after]
    if [entry["sequence"] for entry in entries] != list(range(after + 1, after + 1 + len(entries))):
        return None
    return news[-1].progress, entries


async def order_events(
    reads: ReadPool,
    feed: HistoryFeed,
    order_id: UUID,
    after: int,
    timing: StreamTiming,
    disconnected: Callable[[], Awaitable[bool]],
) -> AsyncIterator[bytes]:
    quiet_since = time.monotonic()
    with feed.watch(order_id) as watch:
        found: Found | None = None
        while True:
            if found is None:
                watch.take()  # before the read: a change committed meanwhile wakes the next one
                async with reads.connection() as connection:
                    found = await progress_and_history_since(connection, order_id, after)
            (progress, entries), found = found, None
            if entries:  # one write for what one read found
                yield b"".join(sse(entry) for entry in entries)
                after = int(entries[-1]["sequence"])
                quiet_since = time.monotonic()
            if progress is None or (progress.status in FINAL and not progress.awaiting):
                return
            if await disconnected():
                return
            quiet = time.monotonic() - quiet_since
            if quiet >= timing.keepalive_seconds:
                yield b": keep-alive\n\n"
                quiet_since, quiet = time.monotonic(), 0.0
            wait = min(timing.poll_seconds, timing.keepalive_seconds - quiet)
            await changed_within(watch, wait)
            if watch.changed.is_set():  # else the fallback poll: read
                found = continued(watch.take(), after)


def preferred_wait(prefer: str | None) -> float:
    """Seconds a `Prefer` header's `wait=N` asks for, capped; 0 without one."""
    found = _PREFER_WAIT.search(prefer or "")
    return min(float(found[1]), MAX_PLACED_WAIT_SECONDS) if found else 0.0


async def placed_order(
    reads: ReadPool,
    feed: HistoryFeed,
    order_id: UUID,
    wait_seconds: float,
    poll_seconds: float,
) -> SagaProgress | None:
    """The order's progress once it is placed, waiting up to `wait_seconds` for it (woken by
    the feed, asking again every `poll_seconds` at the latest); None if it is not by then. No
    connection is held while waiting."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    with feed.watch(order_id) as watch:
        while True:
            watch.take()  # before the read: a placement committed meanwhile wakes the wait
            async with reads.connection() as connection:
                progress = await saga_progress(connection, order_id)
            remaining = deadline - loop.time()
            if progress is not None or remaining <= 0:
                return progress
            await changed_within(watch, min(remaining, poll_seconds))
            news = watch.take() if watch.changed.is_set() else None
            if news:  # the history grew: the order is placed
                return news[-1].progress
