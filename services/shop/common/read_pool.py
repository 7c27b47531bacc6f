"""An API's reads on plain asyncpg connections: prebuilt SQL, no SQLAlchemy on the way.

A read through SQLAlchemy's ORM session costs, besides its one round trip, the session, its
connection, execution context, compiled-cache lookup, greenlet hop and result processing:
more Python than the request's own work. An API's hot reads run here instead:

    reads = await ReadPool.open(process)               # in the API's wiring hook
    async with reads.connection() as connection:       # in a route
        row = await connection.fetchrow(ORDER, order_id)

- each statement runs in autocommit (READ COMMITTED gives it its own snapshot either way);
  asyncpg prepares it once per connection and caches it;
- a connection goes back with no reset round trip: reads change no session state (a
  transaction left open is still rolled back);
- `json` and `jsonb` values come back decoded;
- a connection the database closed (a restart) is replaced when it is acquired, and one a
  statement found broken is closed at once; while the
  database is unreachable, acquiring raises what `shop.common.outages` calls a database
  outage (a 503 with `Retry-After`). Nothing connects before the first read.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg  # type: ignore[import-untyped]

from shop.common.outages import connection_broken
from shop.common.process import ProcessContext
from shop.common.relay.options import asyncpg_dsn

ACQUIRE_TIMEOUT_SECONDS = 30.0  # as SQLAlchemy's pool waits for a free connection


async def _decode_json(connection: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await connection.set_type_codec(
            name, schema="pg_catalog", encoder=json.dumps, decoder=json.loads
        )


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """Instead of asyncpg's reset query at release (one round trip): reads leave nothing."""


class ReadPool:
    """Up to `max_size` asyncpg connections for one process's reads."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, process: ProcessContext) -> ReadPool:
        """A pool on the process's database, as large as its engine's, closed at its stop."""
        settings = process.settings
        pool = await asyncpg.create_pool(
            asyncpg_dsn(settings.database_url),
            min_size=0,  # connects nothing yet
            max_size=settings.database_pool_size,
            init=_decode_json,
            reset=_keep_session,
        )
        process.exit_stack.push_async_callback(pool.close)
        return cls(pool)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection for the block's statements."""
        async with self._pool.acquire(timeout=ACQUIRE_TIMEOUT_SECONDS) as connection:
            try:
                yield connection
            except Exception as err:
                if connection_broken(err):
                    connection.terminate()  # replaced at the next acquire, never reused
                raise
