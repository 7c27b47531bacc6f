"""A session for an API's reads, as a FastAPI dependency holds it across the response.

FastAPI closes a dependency after the response has gone out; if the database dropped the
connection in between, the rollback of that close fails although nothing was left to undo.
That failure is logged and swallowed (the pool discards the connection), so it neither breaks
the HTTP connection nor hides a real error: anything that is not an outage still raises.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop.common.outages import unavailable_dependency

log = logging.getLogger(__name__)


@asynccontextmanager
async def read_session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """`async with read_session(factory) as session:` in a dependency that yields it."""
    session = sessions()
    try:
        yield session
    finally:
        try:
            await session.close()
        except Exception as exc:
            if unavailable_dependency(exc) is None:
                raise
            log.warning("a read session lost its connection before it closed: %s", exc)
