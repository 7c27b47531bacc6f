"""Server-sent events of one order's history, until its saga has nothing more to say.

Each entry is one `status` event whose id is its sequence, so a client reconnecting with
`Last-Event-ID` resumes where it left off. The stream reads the history when the history feed
says the order changed (LISTEN/NOTIFY), and at the latest every `poll_seconds` as a fallback;
it sends a comment as keep-alive while nothing happens.

A storefront opens the stream right after checkout, often before ordering has consumed the
checkout: with `Prefer: wait=<seconds>` (RFC 7240) the stream waits that long, at most
`MAX_PREFERRED_WAIT_SECONDS`, for the order to be placed (woken by the same feed) instead of
answering 404 at once, so the client need not poll.
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
from shop.common.read_session import read_session
from shop.ordering.adapters.history_feed import HistoryFeed
from shop.ordering.adapters.queries import history_since, saga_progress

FINAL = ("CONFIRMED", "CANCELLED")
MAX_PREFERRED_WAIT_SECONDS = 10.0
_PREFER_WAIT = re.compile(r"(?:^|[,;\s])wait\s*=\s*(\d+(?:\.\d+)?)", re.IGNORECASE)


@dataclass(frozen=True)
class StreamTiming:
    poll_seconds: float
    keepalive_seconds: float


def sse(entry: dict[str, object]) -> bytes:
    data = json.dumps(to_jsonable(entry), separators=(",", ":"))
    return f"id: {entry['sequence']}\nevent: status\ndata: {data}\n\n".encode()


def preferred_wait(prefer: str | None) -> float:
    """The seconds a `Prefer` header asks the server to wait (`wait=N`), capped; 0 if none."""
    match = _PREFER_WAIT.search(prefer or "")
    return min(float(match[1]), MAX_PREFERRED_WAIT_SECONDS) if match else 0.0


async def order_exists(
    sessions: async_sessionmaker[AsyncSession], feed: HistoryFeed, order_id: UUID, wait: float
) -> bool:
    """Whether the order is placed, waiting up to `wait` seconds for it (woken by the feed)."""
    deadline = time.monotonic() + wait
    with feed.watch(order_id) as changed:
        while True:
            changed.clear()
            async with read_session(sessions) as session:
                if await saga_progress(session, order_id) is not None:
                    return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), timeout=remaining)


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
                progress = await saga_progress(session, order_id)
                entries = await history_since(session, order_id, after)
            for entry in entries:
                entry.pop("order_id", None)
                yield sse(entry)
                after = int(entry["sequence"])
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
