"""Server-sent events of one order's history, until its saga has nothing more to say.

Each entry is one `status` event whose id is its sequence, so a client reconnecting with
`Last-Event-ID` resumes where it left off. The stream reads the history when the history feed
says the order changed (LISTEN/NOTIFY), and at the latest every `poll_seconds` as a fallback;
it sends a comment as keep-alive while nothing happens. Each read is one round trip (the
order's progress with its new entries).

A storefront opens the stream right after its checkout, usually before ordering has placed
the order: with `Prefer: wait=N` (RFC 7240) the request waits up to N seconds (at most
`MAX_PLACED_WAIT_SECONDS`) for the order to be placed, woken by the same feed, instead of
answering 404 at once and being asked again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop.common.jsonable import to_jsonable
from shop.ordering.adapters.history_feed import HistoryFeed
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


async def order_events(
    sessions: async_sessionmaker[AsyncSession],
    feed: HistoryFeed,
    order_id: UUID,
    after: int,
    timing: StreamTiming,
    disconnected: Callable[[], Awaitable[bool]],
) -> AsyncIterator[bytes]:
    quiet_since = time.monotonic()
    with feed.watch(order_id) as changed:
        while True:
            changed.clear()  # before the read: a change committed meanwhile wakes the next one
            async with sessions() as session:
                progress, entries = await progress_and_history_since(session, order_id, after)
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
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), timeout=wait)


def preferred_wait(prefer: str | None) -> float:
    """Seconds a `Prefer` header's `wait=N` asks for, capped; 0 without one."""
    found = _PREFER_WAIT.search(prefer or "")
    return min(float(found[1]), MAX_PLACED_WAIT_SECONDS) if found else 0.0


async def placed_order(
    sessions: async_sessionmaker[AsyncSession],
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
    with feed.watch(order_id) as changed:
        while True:
            changed.clear()  # before the read: a placement committed meanwhile wakes the wait
            async with sessions() as session:
                progress = await saga_progress(session, order_id)
            remaining = deadline - loop.time()
            if progress is not None or remaining <= 0:
                return progress
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), timeout=min(remaining, poll_seconds))
