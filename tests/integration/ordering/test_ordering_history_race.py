"""Two saga steps of one order that meet at its row lock, on real PostgreSQL.

The one that waited reads the order's row as the other committed it (`FOR UPDATE` reads the
newest version), but the history beside it as of its statement's start: without the order's
`last_history_sequence` it would add its entry under a sequence already taken and lose it
(ADR 0067)."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncEngine

from integration.ordering.test_ordering_writes import DEPS, rows, units
from shop.ordering.domain import messages as m
from shop.ordering.service_layer.handlers import advance_saga, place_order
from support.polling import wait_until_async
from unit.ordering.ordering_builders import ORDER_ID, checkout

LOCK_WAIT = """
    SELECT count(*) FROM pg_stat_activity
    WHERE wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE OF%'
"""


async def test_a_step_that_waited_for_the_order_lock_keeps_every_history_entry(
    ordering_engine: AsyncEngine,
) -> None:
    unit = units(ordering_engine)
    async with unit() as uow:
        await place_order(checkout(), uow, DEPS)
        await uow.commit()

    async def pay() -> None:
        async with unit() as uow:
            await advance_saga(m.PaymentSucceeded(uuid4(), ORDER_ID), uow, DEPS)
            await uow.commit()

    async with unit() as first:
        await advance_saga(m.StockReserved(uuid4(), ORDER_ID), first, DEPS)  # holds the row
        second = asyncio.create_task(pay())

        async def waiting() -> bool:
            return bool((await rows(ordering_engine, LOCK_WAIT))[0][0] == 1)

        await wait_until_async(waiting, within=10, what="the second step waiting on the row lock")
        await first.commit()
    await asyncio.wait_for(second, timeout=10)

    assert await rows(ordering_engine, "SELECT status FROM ordering.orders") == [("CONFIRMED",)]
    assert await rows(
        ordering_engine, "SELECT sequence, kind FROM ordering.order_history ORDER BY sequence"
    ) == [(1, "placed"), (2, "stock-reserved"), (3, "confirmed")]
    assert await rows(ordering_engine, "SELECT last_history_sequence FROM ordering.orders") == [
        (3,)
    ]
