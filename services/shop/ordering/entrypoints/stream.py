"""Server-sent events of one order's history, until its saga has nothing more to say.

Each entry is one `status` event whose id is its sequence, so a client reconnecting with
`Last-Event-ID` resumes where it left off. The stream polls the database (one cheap indexed
query per interval) and sends a comment as keep-alive while nothing happens.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop.common.jsonable import to_jsonable
from shop.ordering.adapters.queries import history_since
from shop.ordering.adapters.tables import orders

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
    order_id: UUID,
    after: int,
    timing: StreamTiming,
    disconnected: Callable[[], Awaitable[bool]],
) -> AsyncIterator[bytes]:
    quiet_since = time.monotonic()
    while True:
        async with sessions() as session:
            saga = (
                await session.execute(
                    select(orders.c.status, orders.c.awaiting).where(orders.c.id == order_id)
                )
            ).one()
            entries = await history_since(session, order_id, after)
        for entry in entries:
            entry.pop("order_id", None)
            yield sse(entry)
            after = int(entry["sequence"])
            quiet_since = time.monotonic()
        if saga.status in FINAL and not saga.awaiting:
            return
        if await disconnected():
            return
        if time.monotonic() - quiet_since >= timing.keepalive_seconds:
            yield b": keep-alive\n\n"
            quiet_since = time.monotonic()
        await asyncio.sleep(timing.poll_seconds)
