"""Server-sent events of one order's history, until its saga has nothing more to say.

Each entry is one `status` event whose id is its sequence, so a client reconnecting with
`Last-Event-ID` resumes where it left off. The stream reads the history when the history feed
says the order changed (LISTEN/NOTIFY), and at the latest every `poll_seconds` as a fallback;
it sends a comment as keep-alive while nothing happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop.common.jsonable import to_jsonable
from shop.ordering.adapters.history_feed import HistoryFeed
from shop.ordering.adapters.queries import history_since, saga_progress

FINAL = ("CONFIRMED", "CANCELLED")


@dataclass(frozen=True)
class StreamTiming:
    poll_seconds: float
    keepalive_seconds: float


def sse(entry: dict[str, object]) -> bytes:
    data = json.dumps(to_jsonable(entry), separators=(",", ":"))
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
