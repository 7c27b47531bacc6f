"""One active relay per schema: a PostgreSQL advisory lock held on a dedicated connection.

The lock lives exactly as long as the session: when the holder dies, PostgreSQL ends the session
(at once for a closed socket, within the TCP keepalive time for a vanished host) and a standby
polling `pg_try_advisory_lock` takes over.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time

import asyncpg  # type: ignore[import-untyped]

logger = logging.getLogger(__name__)
# A session that failed: refused, reset, terminated, or left mid-operation by a terminated
# backend (asyncpg's InternalClientError "another operation is in progress").
CONNECTION_ERRORS = (
    OSError,
    TimeoutError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
)

# Detect a dead peer in ~10 s instead of the kernel's two hours.
KEEPALIVE_SETTINGS = {
    "tcp_keepalives_idle": "5",
    "tcp_keepalives_interval": "2",
    "tcp_keepalives_count": "3",
    "application_name": "shop-outbox-relay",
}


def lock_key(schema: str) -> int:
    """The 64-bit advisory lock key of a schema's relay (stable across processes)."""
    digest = hashlib.blake2b(f"shopkeeper.outbox-relay.{schema}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


class LostLeadershipError(Exception):
    """The lock connection died: another instance may already be relaying."""


class Leadership:
    """Acquire, check and release the relay lock of one schema."""

    def __init__(self, dsn: str, schema: str, *, retry_seconds: float, check_seconds: float):
        self._dsn = dsn
        self.schema = schema
        self.key = lock_key(schema)
        self._retry_seconds = retry_seconds
        self._check_seconds = check_seconds
        self._connection: asyncpg.Connection | None = None
        self._checked_at = 0.0

    @property
    def connection(self) -> asyncpg.Connection:
        if self._connection is None:
            raise LostLeadershipError("not the leader")
        return self._connection

    async def acquire(self, stop: asyncio.Event) -> bool:
        """Wait until this instance holds the lock (True) or `stop` is set (False)."""
        waiting_logged = False
        while not stop.is_set():
            try:
                if self._connection is None or self._connection.is_closed():
                    self._connection = await asyncpg.connect(
                        self._dsn, server_settings=KEEPALIVE_SETTINGS
                    )
                if await self._connection.fetchval("SELECT pg_try_advisory_lock($1)", self.key):
                    self._checked_at = time.monotonic()
                    logger.info("relay of schema %s is now active", self.schema)
                    return True
                if not waiting_logged:
                    logger.info("another relay holds schema %s; standing by", self.schema)
                    waiting_logged = True
            except CONNECTION_ERRORS as err:
                logger.warning("relay lock of schema %s: %s; retrying", self.schema, err)
                await self._close()
            await _wait(stop, self._retry_seconds)
        return False

    async def ensure_held(self) -> None:
        """Raise `LostLeadershipError` if the lock connection is gone (checked at most every
        `check_seconds` by a round trip, always by the connection state)."""
        connection = self.connection
        if connection.is_closed():
            raise LostLeadershipError("lock connection closed")
        if time.monotonic() - self._checked_at < self._check_seconds:
            return
        try:
            await connection.fetchval("SELECT 1", timeout=self._check_seconds)
        except CONNECTION_ERRORS as err:
            await self._close()
            raise LostLeadershipError(f"lock connection failed: {err}") from err
        self._checked_at = time.monotonic()

    async def release(self) -> None:
        """Give the lock up (closing the session releases it)."""
        await self._close()

    async def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            try:
                await asyncio.wait_for(connection.close(), timeout=5)
            except (OSError, TimeoutError, asyncpg.InterfaceError, asyncpg.InternalClientError):
                connection.terminate()


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
