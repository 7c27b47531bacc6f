"""Wake-ups for the order streams: one LISTEN connection per API process instead of polling.

The history trigger (migration 0007) notifies `<schema>_order_history`, per order and
inserting statement, with the new entries and the order's progress as JSON (the order id
alone when that would not fit); the feed hands them to the streams watching that order, which
then need not read them. While the connection is down, it reconnects, and wakes every stream
once it is back (they may have missed entries: they read).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]

from shop.common.outbox import require_schema_name
from shop.ordering.adapters.queries import SagaProgress

log = logging.getLogger(__name__)


def history_channel(schema: str) -> str:
    return f"{require_schema_name(schema)}_order_history"


@dataclass(frozen=True)
class HistoryNews:
    """What one statement appended to an order's history: the entries (as the stream's reads
    give them, oldest first) and the order's progress after them."""

    progress: SagaProgress
    entries: list[dict[str, Any]]


def news_of(found: dict[str, Any]) -> HistoryNews:
    """The news of a decoded JSON notification."""
    order_id = UUID(found["order_id"])
    progress = SagaProgress(found["status"], list(found["awaiting"]), found["customer_id"])
    entries = [
        {
            "order_id": order_id,
            "sequence": int(entry["sequence"]),
            "kind": entry["kind"],
            "status": entry["status"],
            "detail": entry["detail"],
            "cause_event_id": UUID(entry["cause_event_id"]),
            "at": datetime.fromisoformat(entry["at"]).astimezone(UTC),  # the session's zone
        }
        for entry in found["entries"]
    ]
    return HistoryNews(progress, entries)


class Watch:
    """One stream's view of an order's changes: `changed` is set when its history grew."""

    def __init__(self) -> None:
        self.changed = asyncio.Event()
        self._news: list[HistoryNews] = []
        self._unknown = False

    def deliver(self, news: HistoryNews | None) -> None:
        """A change, with what it appended (None: unknown, the stream must read)."""
        if news is None:
            self._unknown = True
        else:
            self._news.append(news)
        self.changed.set()

    def take(self) -> list[HistoryNews] | None:
        """The news since the last `take`, in commit order, and forget them; None if some
        change came without its entries (read the database instead)."""
        news, unknown = self._news, self._unknown
        self.changed.clear()
        self._news, self._unknown = [], False
        return None if unknown else news


class HistoryFeed:
    """Watches set when an order's history grows, for the streams of this process."""

    def __init__(self, dsn: str, schema: str, *, retry_seconds: float = 1.0) -> None:
        self._dsn = dsn
        self._channel = history_channel(schema)
        self._retry_seconds = retry_seconds
        self._watchers: dict[str, set[Watch]] = {}
        self.listening = False

    @contextlib.contextmanager
    def watch(self, order_id: UUID) -> Iterator[Watch]:
        """A watch of the order's changes while the block runs (take its news, or read)."""
        key, watch = str(order_id), Watch()
        self._watchers.setdefault(key, set()).add(watch)
        try:
            yield watch
        finally:
            watchers = self._watchers.get(key, set())
            watchers.discard(watch)
            if not watchers:
                self._watchers.pop(key, None)

    async def run(self) -> None:
        """Listen until cancelled, reconnecting after a lost connection."""
        while True:
            try:
                connection = await asyncpg.connect(self._dsn)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
                log.warning("order history feed cannot connect, retrying: %r", err)
                await asyncio.sleep(self._retry_seconds)
                continue
            try:
                await self._listen(connection)
            finally:
                self.listening = False
                connection.terminate()
            await asyncio.sleep(self._retry_seconds)

    async def _listen(self, connection: asyncpg.Connection) -> None:
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _: lost.set())
        await connection.add_listener(self._channel, self._notified)
        self.listening = True
        self._wake_all()  # entries committed while nobody listened
        await lost.wait()
        log.warning("order history feed lost its connection; reconnecting")

    def _notified(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        found: dict[str, Any] | None = json.loads(payload) if payload.startswith("{") else None
        watchers = self._watchers.get(str(found["order_id"]) if found else payload, ())
        news = news_of(found) if found and watchers else None  # None: the order id alone
        for watch in watchers:
            watch.deliver(news)

    def _wake_all(self) -> None:
        for watchers in self._watchers.values():
            for watch in watchers:
                watch.deliver(None)
