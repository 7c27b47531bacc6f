"""Wake-ups for the order streams: one LISTEN connection per API process instead of polling.

The history trigger (migration 0003) notifies `<schema>_order_history` with the order id of
every entry committed; the feed wakes the streams watching that order. While the connection is
down, it reconnects, and wakes every stream once it is back (they may have missed entries).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]

from shop.common.outbox import require_schema_name

log = logging.getLogger(__name__)


def history_channel(schema: str) -> str:
    return f"{require_schema_name(schema)}_order_history"


class HistoryFeed:
    """Events set when an order's history grows, for the streams of this process."""

    def __init__(self, dsn: str, schema: str, *, retry_seconds: float = 1.0) -> None:
        self._dsn = dsn
        self._channel = history_channel(schema)
        self._retry_seconds = retry_seconds
        self._watchers: dict[str, set[asyncio.Event]] = {}
        self.listening = False

    @contextlib.contextmanager
    def watch(self, order_id: UUID) -> Iterator[asyncio.Event]:
        """An event set whenever the order's history may have grown (clear it, then read)."""
        key, event = str(order_id), asyncio.Event()
        self._watchers.setdefault(key, set()).add(event)
        try:
            yield event
        finally:
            watchers = self._watchers.get(key, set())
            watchers.discard(event)
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

    def _notified(self, _connection: object, _pid: int, _channel: str, order_id: str) -> None:
        for event in self._watchers.get(order_id, ()):
            event.set()

    def _wake_all(self) -> None:
        for watchers in self._watchers.values():
            for event in watchers:
                event.set()
