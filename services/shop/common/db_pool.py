"""How an API's pool makes sure a pooled connection is still open, without a round trip.

SQLAlchemy's `pool_pre_ping` costs three round trips on asyncpg at every checkout (BEGIN, `;`,
ROLLBACK), more than most requests' own statements. Instead, the pool asks asyncpg whether it
still holds the connection open: a database that restarted closed the socket of every backend,
so a connection it left behind is refused at checkout and replaced by a fresh one (SQLAlchemy
retries a checkout that raises `DisconnectionError`). One whose peer vanished without closing
it (a network partition) fails its first statement instead, which an API answers with a 503.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine


def refuse_closed_connections(engine: AsyncEngine) -> None:
    """Replace, at checkout, every pooled connection the database has closed."""
    event.listen(engine.sync_engine, "checkout", _refuse_closed)


def _refuse_closed(dbapi_connection: Any, _record: object, _proxy: object) -> None:
    driver = getattr(dbapi_connection, "driver_connection", None)
    if driver is not None and driver.is_closed():
        raise DisconnectionError("the database closed this pooled connection")
