"""The order saga on real PostgreSQL: state, history and outbox commit together."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from shop.ordering.adapters.unit_of_work import SqlOrderingUnitOfWork
from shop.ordering.bootstrap import OrderingBus, message_bus
from shop.ordering.domain import messages as m
from shop.ordering.domain.fraud import CustomerHistory
from shop.ordering.domain.order_terms import OrderStatus
from shop.ordering.service_layer.handlers import OrderingDependencies, expire_due
from support.clock import Clock
from unit.ordering.ordering_builders import ORDER_ID, TIMEOUTS, checkout


def bus_on(engine: AsyncEngine, clock: Clock) -> OrderingBus:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    return message_bus(
        lambda: SqlOrderingUnitOfWork(sessions), OrderingDependencies(TIMEOUTS, clock)
    )


async def rows(engine: AsyncEngine, sql: str) -> list[tuple[object, ...]]:
    async with engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text(sql))]


async def status(bus: OrderingBus) -> OrderStatus:
    async with bus.uow_factory() as uow:
        order = await uow.orders.get(ORDER_ID)
    assert order is not None
    return order.status


async def test_placing_an_order_stores_it_and_writes_its_event_and_command(
    ordering_engine: AsyncEngine,
) -> None:
    bus = bus_on(ordering_engine, Clock())

    await bus.handle(checkout())

    assert await status(bus) == OrderStatus.PENDING
    outbox = await rows(
        ordering_engine, "SELECT type, topic, aggregateid FROM ordering.outbox ORDER BY id"
    )
    assert outbox == [
        ("order.placed", "shop.ordering.order", str(ORDER_ID)),
        ("saga.reserve-stock", "shop.catalog.commands", str(ORDER_ID)),
    ]


async def test_the_history_keeps_every_step_with_its_cause(ordering_engine: AsyncEngine) -> None:
    bus = bus_on(ordering_engine, Clock())
    placed = checkout()
    reserved, paid = m.StockReserved(uuid4(), ORDER_ID), m.PaymentSucceeded(uuid4(), ORDER_ID)

    for message in (placed, reserved, paid, m.PaymentSucceeded(uuid4(), ORDER_ID)):
        await bus.handle(message)

    history = await rows(
        ordering_engine,
        "SELECT sequence, kind, status, cause_event_id"
        " FROM ordering.order_history ORDER BY sequence",
    )
    assert history == [
        (1, "placed", "PENDING", placed.event_id),
        (2, "stock-reserved", "STOCK_RESERVED", reserved.event_id),
        (3, "confirmed", "CONFIRMED", paid.event_id),
    ]
    types = [
        row[0]
        for row in await rows(ordering_engine, "SELECT type FROM ordering.outbox ORDER BY id")
    ]
    assert types[-2:] == ["saga.commit-stock", "order.confirmed"]


async def test_the_timer_finds_and_cancels_orders_past_their_deadline(
    ordering_engine: AsyncEngine,
) -> None:
    clock = Clock()
    bus = bus_on(ordering_engine, clock)
    await bus.handle(checkout())
    await bus.handle(m.StockReserved(uuid4(), ORDER_ID))

    clock.now += TIMEOUTS.payment - timedelta(seconds=1)
    early = await expire_due(bus)
    clock.now += timedelta(seconds=1)
    expired = await expire_due(bus)
    again = await expire_due(bus)

    assert (early, expired, again) == (0, 1, 0)
    assert await status(bus) == OrderStatus.CANCELLED
    saga = await rows(
        ordering_engine, "SELECT cancel_reason, awaiting, deadline FROM ordering.orders"
    )
    assert saga == [("payment-timed-out", ["refund-payment", "release-stock"], None)]
    commands = await rows(
        ordering_engine,
        "SELECT type FROM ordering.outbox WHERE type LIKE 'saga.%' ORDER BY id",
    )
    assert [c[0] for c in commands] == [
        "saga.reserve-stock",
        "saga.request-payment",
        "saga.release-stock",
        "saga.refund-payment",
    ]


async def test_compensation_acknowledgements_are_recorded(ordering_engine: AsyncEngine) -> None:
    bus = bus_on(ordering_engine, Clock())
    await bus.handle(checkout())
    await bus.handle(m.StockReserved(uuid4(), ORDER_ID))
    await bus.handle(m.PaymentFailed(uuid4(), ORDER_ID, reason="card-declined"))

    await bus.handle(m.StockReleased(uuid4(), ORDER_ID))

    saga = await rows(
        ordering_engine, "SELECT status, cancel_reason, awaiting FROM ordering.orders"
    )
    assert saga == [("CANCELLED", "payment-failed", [])]
    kinds = await rows(ordering_engine, "SELECT kind FROM ordering.order_history ORDER BY sequence")
    assert [k[0] for k in kinds][-2:] == ["cancelled", "stock-released"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ordering.order_history SET status = 'CONFIRMED'",
        "DELETE FROM ordering.order_history",
        "TRUNCATE ordering.order_history CASCADE",
    ],
)
async def test_the_database_keeps_the_order_history_append_only(
    ordering_engine: AsyncEngine, statement: str
) -> None:
    bus = bus_on(ordering_engine, Clock())
    await bus.handle(checkout())
    await bus.handle(m.StockReserved(uuid4(), ORDER_ID))
    before = await rows(ordering_engine, "SELECT * FROM ordering.order_history ORDER BY sequence")

    with pytest.raises(DBAPIError, match="the order history is append-only") as refused:
        async with ordering_engine.begin() as connection:
            await connection.execute(text(statement))

    assert refused.value.orig.sqlstate == "55000"  # type: ignore[union-attr]
    after = await rows(ordering_engine, "SELECT * FROM ordering.order_history ORDER BY sequence")
    assert after == before
    assert len(after) == 2  # appending still works


async def test_a_confirmed_order_counts_once_in_its_customers_totals_that_screening_reads(
    ordering_engine: AsyncEngine,
) -> None:
    clock = Clock()
    bus = bus_on(ordering_engine, clock)
    for message in (
        checkout(),
        m.StockReserved(uuid4(), ORDER_ID),
        m.PaymentSucceeded(uuid4(), ORDER_ID),
        m.PaymentSucceeded(uuid4(), ORDER_ID),  # late: changes nothing, counts nothing
    ):
        await bus.handle(message)
    placed_at = clock.now

    totals = await rows(ordering_engine, "SELECT * FROM ordering.customer_totals")
    async with bus.uow_factory() as uow:
        next_order = await uow.orders.history_before(
            uuid4(), "alice", "EUR", since=placed_at - timedelta(minutes=1)
        )
        duplicate = await uow.orders.history_before(ORDER_ID, "alice", "EUR", since=placed_at)
        other_currency = await uow.orders.history_before(uuid4(), "alice", "USD", since=placed_at)

    assert totals == [("alice", "EUR", 1, Decimal("23.00"))]
    assert next_order == CustomerHistory(1, 1, Decimal("23.00"))
    assert duplicate is None
    assert other_currency == CustomerHistory(1, 0, Decimal(0))
