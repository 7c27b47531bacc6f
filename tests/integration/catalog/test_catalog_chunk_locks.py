"""The catalog's concurrent chunks on real Kafka and PostgreSQL: two partitions whose chunks
reserve, commit and confirm orders of the same products in opposite orders. With the chunk
locks (`CHUNK_LOCKS`, ADR 0062) they queue, never deadlock; without, the same chunks deadlock
(the control), and the conflict retry still applies everything once."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
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
from shop.catalog.bootstrap import bootstrap
from shop.catalog.domain import commands as c
from shop.catalog.entrypoints.consumers import CHUNK_LOCKS, INBOUND
from shop.common.consumer import routes
from shop.common.events import DomainEvent, Envelope
from shop.ordering.domain.events import CommitStock, OrderConfirmed, ReserveStock, StockLine
from shop.ordering.domain.order_terms import OrderLine
from support.polling import wait_until_async

PRODUCTS = 4
ORDERS_PER_PARTITION = 12
BATCH = 6
PAUSE_SECONDS = 0.01
"""After each message, inside its chunk's transaction: every chunk overlaps its neighbour."""
NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)


def _command(event: DomainEvent, order_id: UUID) -> Envelope:
    return envelope_of(event, source="ordering", aggregate_type="order", key=str(order_id))


def _partition(products: list[UUID]) -> list[Envelope]:
    """Orders reserving one product each, in the order of `products` round and round, then
    committed, then confirmed with the next product too (two products: their pairs)."""
    orders = [uuid4() for _ in range(ORDERS_PER_PARTITION)]
    first = [products[k % len(products)] for k in range(len(orders))]
    second = [products[(k + 1) % len(products)] for k in range(len(orders))]
    reserves = [
        _command(ReserveStock(order, lines=(StockLine(product, 1),)), order)
        for order, product in zip(orders, first, strict=True)
    ]
    commits = [_command(CommitStock(order), order) for order in orders]
    confirmed = [
        _command(
            OrderConfirmed(
                order,
                customer_id="alice",
                email=None,
                lines=(OrderLine(a, "a", 1, Decimal(1)), OrderLine(b, "b", 1, Decimal(1))),
                total=Decimal(2),
                currency="EUR",
                confirmed_at=NOW,
            ),
            order,
        )
        for order, a, b in zip(orders, first, second, strict=True)
    ]
    return [*reserves, *commits, *confirmed]


async def _rows(engine: AsyncEngine, sql: str) -> list[tuple[object, ...]]:
    async with engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text(sql))]


@pytest.mark.parametrize("locked", [True, False], ids=["chunk-locks", "control-no-locks"])
async def test_concurrent_chunks_reserving_the_same_products_in_opposite_orders(
    catalog_engine: AsyncEngine, kafka: KafkaBroker, locked: bool
) -> None:
    catalog = bootstrap(catalog_engine)
    await catalog.bus.handle(c.CreateCategory("kitchen", "Kitchen"))
    products = sorted(
        [
            await catalog.bus.handle(
                c.CreateProduct(f"Mug {n}", "", "kitchen", Decimal("9.50"), "EUR", 100)
            )
            for n in range(PRODUCTS)
        ]
    )
    partitions = {0: _partition(products), 1: _partition(products[::-1])}
    topic = await topic_with(kafka.bootstrap_servers, partitions)
    registry = CollectorRegistry()
    orders = 2 * ORDERS_PER_PARTITION
    deadlocks_before = await deadlocks(catalog_engine)

    async with consuming(
        kafka.bootstrap_servers,
        topic,
        paused(routes(catalog.bus, INBOUND), PAUSE_SECONDS),
        catalog.unit_of_work,
        prepare=CHUNK_LOCKS if locked else None,
        registry=registry,
        concurrency=4,
        batch_size=BATCH,
    ):

        async def all_applied() -> bool:
            [(count,)] = await _rows(catalog_engine, "SELECT count(*) FROM catalog.inbox")
            return count == 3 * orders

        await wait_until_async(all_applied, within=90, what="every message applied")

    # Every reservation applied once: each product sold to its orders, nothing left reserved.
    per_product = orders // PRODUCTS
    assert (
        await _rows(
            catalog_engine, "SELECT on_hand, reserved FROM catalog.stock_items ORDER BY product_id"
        )
        == [(100 - per_product, 0)] * PRODUCTS
    )
    assert await _rows(
        catalog_engine, "SELECT status, count(*) FROM catalog.reservations GROUP BY status"
    ) == [("committed", orders)]
    assert await _rows(
        catalog_engine,
        "SELECT type, count(*) FROM catalog.outbox WHERE type LIKE 'stock.%' GROUP BY type",
    ) == [("stock.reserved", orders)]
    pairs = await _rows(catalog_engine, "SELECT sum(orders) FROM catalog.bought_together")
    assert pairs == [(2 * orders,)]  # each order's pair, both ways, once
    failed = failed_attempts(registry)
    if locked:
        assert failed == {}  # no deadlock, no other conflict
        assert await deadlocks_since(catalog_engine, deadlocks_before, awaited=False) == 0
    else:
        assert failed.get("DeadlockDetectedError", 0) >= 1  # the control: the same chunks deadlock
        assert await deadlocks_since(catalog_engine, deadlocks_before, awaited=True) > 0
