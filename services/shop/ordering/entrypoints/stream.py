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
Such a request from the first entry listens before it reads (`news_first_seconds`): the news
of the placement, when it comes by then, opens the stream without a read; a stream opened
after the placement reads once that time is up (or at once, when newer entries come first).
The stream keeps one watch from the request to its end, so the read (or the news) that finds
the order placed is also the one it opens with.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from shop.common.jsonable import to_jsonable
from shop.common.read_pool import ReadPool
from shop.ordering.adapters.history_feed import HistoryFeed, HistoryNews, Watch
from shop.ordering.adapters.queries import SagaProgress, progress_and_history_since

FINAL = ("CONFIRMED", "CANCELLED")
MAX_PLACED_WAIT_SECONDS = 30.0
_PREFER_WAIT = re.compile(r"(?:^|[,;\s])wait\s*=\s*(\d+(?:\.\d+)?)", re.IGNORECASE)


@dataclass(frozen=True)
class StreamTiming:
    poll_seconds: float
    keepalive_seconds: float
    news_first_seconds: float = 0.0
    """How long a stream asked to wait for the placement listens before its first read."""


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


class OrderStream:
    """One order's stream from its request to its end, on one watch of the feed: the read
    that finds the order placed also gives the entries the stream opens with."""

    def __init__(
        self,
        reads: ReadPool,
        feed: HistoryFeed,
        order_id: UUID,
        after: int,
        timing: StreamTiming,
    ) -> None:
        self._reads, self._order_id, self._after, self._timing = reads, order_id, after, timing
        self._feed = feed
        self._watching = contextlib.ExitStack()
        self._watch = self._watching.enter_context(feed.watch(order_id))
        self._found: Found | None = None
        self._stopped = False

    def close(self) -> None:
        """Stop watching the order (again: nothing)."""
        self._watching.close()

    def stop(self) -> None:
        """The client left: the stream wakes and ends."""
        self._stopped = True
        self._watch.changed.set()

    async def placed(self, wait_seconds: float) -> SagaProgress | None:
        """The order's progress once it is placed, waiting up to `wait_seconds` for it (woken
        by the feed, reading again every `poll_seconds` at the latest); None if it is not by
        then. No connection is held while waiting."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_seconds
        found = await self._news_first(min(wait_seconds, self._timing.news_first_seconds))
        if found is None:
            found = await self._read(self._after)
        while found[0] is None and (remaining := deadline - loop.time()) > 0:
            await changed_within(self._watch, min(remaining, self._timing.poll_seconds))
            news = self._watch.take() if self._watch.changed.is_set() else None
            found = continued(news, self._after) or await self._read(self._after)
        self._found = found
        return found[0]

    async def _news_first(self, seconds: float) -> Found | None:
        """What the feed announces from the first entry on within `seconds`, without a read;
        None when the database must be read (the order may be placed already: nothing came,
        newer entries came first, or the feed is not listening)."""
        if seconds <= 0 or self._after != 0 or not self._feed.listening:
            return None
        await changed_within(self._watch, seconds)
        if self._stopped or not self._watch.changed.is_set():
            return None
        return continued(self._watch.take(), self._after)

    async def events(self) -> AsyncIterator[bytes]:
        """The entries as events, until the saga has nothing more to say or `stop()`."""
        after, found, watch = self._after, self._found, self._watch
        quiet_since = time.monotonic()
        try:
            while True:
                if found is None:
                    found = await self._read(after)
                (progress, entries), found = found, None
                if entries:  # one write for what one read found
                    yield b"".join(sse(entry) for entry in entries)
                    after = int(entries[-1]["sequence"])
                    quiet_since = time.monotonic()
                if progress is None or (progress.status in FINAL and not progress.awaiting):
                    return
                quiet = time.monotonic() - quiet_since
                if quiet >= self._timing.keepalive_seconds:
                    yield b": keep-alive\n\n"
                    quiet_since, quiet = time.monotonic(), 0.0
                wait = min(self._timing.poll_seconds, self._timing.keepalive_seconds - quiet)
                await changed_within(watch, wait)
                if self._stopped:
                    return
                if watch.changed.is_set():  # else the fallback poll: read
                    found = continued(watch.take(), after)
        finally:
            self.close()

    async def _read(self, after: int) -> Found:
        self._watch.take()  # before the read: a change committed meanwhile wakes the next wait
        async with self._reads.connection() as connection:
            return await progress_and_history_since(connection, self._order_id, after)


class OrderStreamResponse(Response):
    """The stream's events as `text/event-stream`, written by the request's own task: a
    second one only waits for the client to leave, and stops the stream when it does
    (Starlette's `StreamingResponse` runs both in an anyio task group, and asks again whether
    the client left at every wake-up). It stops watching the order however it ends."""

    media_type = "text/event-stream"

    def __init__(self, stream: OrderStream) -> None:  # no body: no Content-Length
        self.status_code, self.background = 200, None
        self.init_headers({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        self._stream = stream

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        listener = asyncio.create_task(_until_disconnected(receive, self._stream.stop))
        try:
            start = {"type": "http.response.start", "status": self.status_code}
            await send({**start, "headers": self.raw_headers})
            async for chunk in self._stream.events():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            listener.cancel()
            self._stream.close()


async def _until_disconnected(receive: Receive, then: Callable[[], None]) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    then()


def preferred_wait(prefer: str | None) -> float:
    """Seconds a `Prefer` header's `wait=N` asks for, capped; 0 without one."""
    found = _PREFER_WAIT.search(prefer or "")
    return min(float(found[1]), MAX_PLACED_WAIT_SECONDS) if found else 0.0
