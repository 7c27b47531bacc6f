"""Ordering's concurrent chunks on real Kafka and PostgreSQL: two partitions whose chunks
confirm orders of the same customers in opposite orders (their totals rows, the first of each
not there yet), and two whose chunks acknowledge the compensations of the same timed-out orders
in opposite orders (their order rows). With the chunk locks (`CHUNK_LOCKS`, ADR 0065) they
queue, never deadlock; without, the same chunks deadlock (the control), and the conflict retry
still applies everything once."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from integration.context_kafka import consuming, envelope_of
from integration.messaging.support import (
    deadlocks,
    deadlocks_since,
    failed_attempts,
    paused,
    topic_with,
)
from localinfra.kafka import KafkaBroker
from shop.catalog.domain.events import StockLine, StockReleased
from shop.common.consumer import routes
from shop.common.events import Envelope
from shop.ordering.bootstrap import Ordering, bootstrap
from shop.ordering.domain import messages as m
from shop.ordering.domain.commands import ExpireDeadline
from shop.ordering.domain.order_terms import OrderLine, OrderTerms
from shop.ordering.entrypoints.consumers import CHUNK_LOCKS, INBOUND
from shop.ordering.service_layer.handlers import OrderingDependencies
from shop.payment.domain.events import PaymentRefunded, PaymentSucceeded
from support.clock import Clock
from support.polling import wait_until_async
from unit.ordering.ordering_builders import TIMEOUTS

CUSTOMERS = ["ann", "bob", "cat", "dan"]
ORDERS_PER_PARTITION = 12
BATCH = 6
PAUSE_SECONDS = 0.01
"""After each message, inside its chunk's transaction: every chunk overlaps its neighbour."""
NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)
MUG = UUID("00000000-0000-4000-8000-0000000000aa")
TOTAL = Decimal("9.50")
LOCKED = pytest.mark.parametrize("locked", [True, False], ids=["chunk-locks", "control-no-locks"])


async def _rows(engine: AsyncEngine, sql: str) -> list[tuple[Any, ...]]:
    async with engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text(sql))]


async def _place(ordering: Ordering, customer: str) -> UUID:
    """A new order of `customer`, its stock reserved: waiting on its payment."""
    order = uuid4()
    terms = OrderTerms(customer, None, (OrderLine(MUG, "Mug", 1, TOTAL),), TOTAL, "EUR")
    await ordering.bus.handle(m.CheckoutReceived(uuid4(), order, terms=terms, checked_out_at=NOW))
    await ordering.bus.handle(m.StockReserved(uuid4(), order))
    return order


def _paid(order: UUID, customer: str) -> Envelope:
    event = PaymentSucceeded(
        order_id=order, customer_id=customer, amount=TOTAL, currency="EUR", at=NOW, reference="r"
    )
    return envelope_of(event, source="payment", aggregate_type="payment", key=str(order))


def _refunded(order: UUID) -> Envelope:
    event = PaymentRefunded(
        order_id=order, customer_id="ann", amount=Decimal(0), currency="EUR", at=NOW
    )
    return envelope_of(event, source="payment", aggregate_type="payment", key=str(order))


def _released(order: UUID) -> Envelope:
    event = StockReleased(order_id=order, lines=(StockLine(MUG, 1),))
    return envelope_of(event, source="catalog", aggregate_type="reservation", key=str(order))


async def _apply_concurrently(
    engine: AsyncEngine,
    kafka: KafkaBroker,
    ordering: Ordering,
    partitions: dict[int, list[Envelope]],
    locked: bool,
) -> None:
    """Apply the partitions' messages in chunks of `BATCH`, 4 at once, every message held
    `PAUSE_SECONDS` in its transaction; then check the deadlocks: none with the chunk locks,
    some without (the control)."""
    topic = await topic_with(kafka.bootstrap_servers, partitions)
    registry = CollectorRegistry()
    messages = sum(len(envelopes) for envelopes in partitions.values())
    deadlocks_before = await deadlocks(engine)
    async with consuming(
        kafka.bootstrap_servers,
        topic,
        paused(routes(ordering.bus, INBOUND), PAUSE_SECONDS),
        ordering.unit_of_work,
        prepare=CHUNK_LOCKS if locked else None,
        registry=registry,
        concurrency=4,
        batch_size=BATCH,
    ):

        async def all_applied() -> bool:
            [(count,)] = await _rows(engine, "SELECT count(*) FROM ordering.inbox")
            return bool(count == messages)

        await wait_until_async(all_applied, within=90, what="every message applied")

    failed = failed_attempts(registry)
    if locked:
        assert failed == {}  # no deadlock, no other conflict
        assert await deadlocks_since(engine, deadlocks_before, awaited=False) == 0
    else:
        assert failed.get("DeadlockDetectedError", 0) >= 1  # the control: the same chunks deadlock
        assert await deadlocks_since(engine, deadlocks_before, awaited=True) > 0


@LOCKED
async def test_concurrent_chunks_confirming_orders_of_the_same_customers_in_opposite_orders(
    ordering_engine: AsyncEngine, kafka: KafkaBroker, locked: bool
) -> None:
    ordering = bootstrap(ordering_engine, OrderingDependencies(TIMEOUTS, Clock(NOW)))
    partitions: dict[int, list[Envelope]] = {}
    for partition, customers in enumerate([CUSTOMERS, CUSTOMERS[::-1]]):
        buyers = [customers[k % len(customers)] for k in range(ORDERS_PER_PARTITION)]
        partitions[partition] = [_paid(await _place(ordering, buyer), buyer) for buyer in buyers]

    await _apply_concurrently(ordering_engine, kafka, ordering, partitions, locked)

    orders = 2 * ORDERS_PER_PARTITION
    assert await _rows(
        ordering_engine, "SELECT status, count(*) FROM ordering.orders GROUP BY status"
    ) == [("CONFIRMED", orders)]
    # Each order counted once in its customer's totals, whose rows the first confirmations made.
    per_customer = orders // len(CUSTOMERS)
    assert await _rows(
        ordering_engine,
        "SELECT customer_id, currency, confirmed_orders, confirmed_total"
        " FROM ordering.customer_totals ORDER BY customer_id",
    ) == [(customer, "EUR", per_customer, per_customer * TOTAL) for customer in CUSTOMERS]
    assert await _rows(
        ordering_engine,
        "SELECT type, count(*) FROM ordering.outbox WHERE type IN"
        " ('order.confirmed', 'saga.commit-stock') GROUP BY type ORDER BY type",
    ) == [("order.confirmed", orders), ("saga.commit-stock", orders)]


@LOCKED
async def test_concurrent_chunks_acknowledging_the_same_orders_in_opposite_orders(
    ordering_engine: AsyncEngine, kafka: KafkaBroker, locked: bool
) -> None:
    clock = Clock(NOW)
    ordering = bootstrap(ordering_engine, OrderingDependencies(TIMEOUTS, clock))
    orders = [await _place(ordering, "ann") for _ in range(ORDERS_PER_PARTITION)]
    clock.now += TIMEOUTS.payment  # each payment timed out: release its stock, refund it
    for order in orders:
        await ordering.bus.handle(ExpireDeadline(order))
    # Catalog's releases in one order, payment's refunds in each chunk's reverse order.
    blocks = [orders[start : start + BATCH] for start in range(0, len(orders), BATCH)]
    partitions = {
        0: [_released(order) for order in orders],
        1: [_refunded(order) for block in blocks for order in block[::-1]],
    }

    await _apply_concurrently(ordering_engine, kafka, ordering, partitions, locked)

    assert await _rows(
        ordering_engine,
        "SELECT status, cancel_reason, awaiting, count(*) FROM ordering.orders"
        " GROUP BY status, cancel_reason, awaiting",
    ) == [("CANCELLED", "payment-timed-out", [], ORDERS_PER_PARTITION)]
    if not locked:
        # An order read locked in one statement with its history, after waiting for another
        # transaction's write of it, sees that write's row but not its history entry (the
        # statement's snapshot), so its own entry can take the same sequence and be dropped:
        # the chunk locks, in a statement before the read, close that race for chunks (ADR 0065).
        return
    assert await _rows(
        ordering_engine,
        "SELECT kind, count(*) FROM ordering.order_history"
        " WHERE kind IN ('stock-released', 'payment-refunded') GROUP BY kind ORDER BY kind",
    ) == [("payment-refunded", ORDERS_PER_PARTITION), ("stock-released", ORDERS_PER_PARTITION)]
