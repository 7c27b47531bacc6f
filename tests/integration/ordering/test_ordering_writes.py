"""Ordering's writes on real PostgreSQL: a saga step's order write carries the transaction's
outbox rows (one statement), and a held write is sent before the repository's next statement."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from uuid import uuid4

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from shop.common.debezium import replication_names
from shop.common.messaging_settings import OutboxMode
from shop.ordering.adapters.unit_of_work import SqlOrderingUnitOfWork
from shop.ordering.domain import messages as m
from shop.ordering.service_layer.handlers import (
    OrderingDependencies,
    advance_saga,
    place_order,
)
from support.clock import Clock
from unit.ordering.ordering_builders import ORDER_ID, TIMEOUTS, checkout


def units(
    engine: AsyncEngine, mode: OutboxMode = OutboxMode.RELAY
) -> Callable[[], SqlOrderingUnitOfWork]:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    return lambda: SqlOrderingUnitOfWork(sessions, mode)


async def rows(engine: AsyncEngine, sql: str) -> list[tuple[Any, ...]]:
    async with engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text(sql))]


DEPS = OrderingDependencies(TIMEOUTS, Clock())


async def test_a_saga_step_sends_the_order_and_its_outbox_rows_in_one_statement(
    ordering_engine: AsyncEngine,
) -> None:
    unit = units(ordering_engine)
    async with unit() as uow:
        await place_order(checkout(), uow, DEPS)
        await uow.commit()
    sent: list[str] = []

    def logged(record: Any) -> None:
        sent.append(record.query)

    async with unit() as uow:
        connection = uow.connection
        connection.add_query_logger(logged)
        try:
            await advance_saga(m.StockReserved(uuid4(), ORDER_ID), uow, DEPS)
            await uow.commit()
            await asyncio.sleep(0)  # the logger is called soon after each statement
        finally:
            connection.remove_query_logger(logged)

    assert len(sent) == 3, sent  # the order read (locked), its write, COMMIT
    write = sent[1]
    assert "ordering.orders" in write
    assert "ordering.order_history" in write
    assert "INSERT INTO ordering.outbox" in write
    assert await rows(ordering_engine, "SELECT type FROM ordering.outbox ORDER BY id") == [
        ("order.placed",),
        ("saga.reserve-stock",),
        ("saga.request-payment",),
    ]
    assert await rows(
        ordering_engine, "SELECT sequence, status FROM ordering.order_history ORDER BY sequence"
    ) == [(1, "PENDING"), (2, "STOCK_RESERVED")]


async def test_one_unit_of_work_applying_an_orders_messages_reads_each_write_before_it(
    ordering_engine: AsyncEngine,
) -> None:
    """As a consumer's batch does: every step reads the order as the one before wrote it."""
    async with units(ordering_engine)() as uow:
        await place_order(checkout(), uow, DEPS)
        uow.seal()
        await advance_saga(m.StockReserved(uuid4(), ORDER_ID), uow, DEPS)
        uow.seal()
        await advance_saga(m.PaymentSucceeded(uuid4(), ORDER_ID), uow, DEPS)
        await uow.commit()

    assert await rows(ordering_engine, "SELECT status FROM ordering.orders") == [("CONFIRMED",)]
    assert await rows(
        ordering_engine, "SELECT sequence, kind FROM ordering.order_history ORDER BY sequence"
    ) == [(1, "placed"), (2, "stock-reserved"), (3, "confirmed")]
    assert await rows(ordering_engine, "SELECT type FROM ordering.outbox ORDER BY id") == [
        ("order.placed",),
        ("saga.reserve-stock",),
        ("saga.request-payment",),
        ("saga.commit-stock",),
        ("order.confirmed",),
    ]
    assert await rows(ordering_engine, "SELECT confirmed_orders FROM ordering.customer_totals") == [
        (1,)
    ]


async def test_a_unit_of_work_left_without_its_commit_writes_nothing(
    ordering_engine: AsyncEngine,
) -> None:
    async with units(ordering_engine)() as uow:
        await place_order(checkout(), uow, DEPS)

    assert await rows(ordering_engine, "SELECT count(*) FROM ordering.orders") == [(0,)]
    assert await rows(ordering_engine, "SELECT count(*) FROM ordering.outbox") == [(0,)]


async def test_debezium_mode_deletes_the_rows_the_order_write_carried_once_the_slot_is_ready(
    ordering_engine: AsyncEngine,
) -> None:
    unit = units(ordering_engine, OutboxMode.DEBEZIUM)
    async with unit() as uow:  # no slot yet: the rows stay for the connector's snapshot
        await place_order(checkout(), uow, DEPS)
        await uow.commit()
    assert await rows(ordering_engine, "SELECT count(*) FROM ordering.outbox") == [(2,)]

    slot = replication_names("ordering")
    async with ordering_engine.connect() as connection:
        await connection.execute(
            text("SELECT pg_create_logical_replication_slot(:slot, 'test_decoding')"),
            {"slot": slot},
        )
        await connection.commit()
    try:
        async with unit() as uow:
            await advance_saga(m.StockReserved(uuid4(), ORDER_ID), uow, DEPS)
            await uow.commit()
    finally:
        async with ordering_engine.connect() as connection:
            await connection.execute(text("SELECT pg_drop_replication_slot(:slot)"), {"slot": slot})
            await connection.commit()

    assert await rows(ordering_engine, "SELECT type FROM ordering.outbox ORDER BY id") == [
        ("order.placed",),
        ("saga.reserve-stock",),
    ]
    assert await rows(ordering_engine, "SELECT status FROM ordering.orders") == [
        ("STOCK_RESERVED",)
    ]
