"""Catalog handlers on real PostgreSQL: state and outbox rows commit together."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from shop.catalog.bootstrap import CatalogBus
from shop.catalog.domain import commands as c
from shop.catalog.domain.errors import InvalidStockError, ProductNotFoundError
from shop.catalog.domain.events import StockLine


async def outbox(engine: AsyncEngine) -> list[tuple[str, str, str, dict[str, object]]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT type, topic, aggregateid, payload FROM catalog.outbox ORDER BY id")
        )
        return [tuple(row) for row in rows]


async def stock_of(engine: AsyncEngine, product_id: UUID) -> tuple[int, int]:
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text("SELECT on_hand, reserved FROM catalog.stock_items WHERE product_id = :p"),
                {"p": product_id},
            )
        ).one()
        return row.on_hand, row.reserved


async def new_product(bus: CatalogBus, stock: int = 5) -> UUID:
    product_id: UUID = await bus.handle(
        c.CreateProduct("Mug", "A big mug", "kitchen", Decimal("9.50"), "EUR", stock, 1)
    )
    return product_id


@pytest.fixture
async def kitchen(catalog_bus: CatalogBus) -> None:
    await catalog_bus.handle(c.CreateCategory("kitchen", "Kitchen"))


async def test_creating_a_product_writes_it_and_its_event_to_the_outbox(
    catalog_bus: CatalogBus, catalog_engine: AsyncEngine, kitchen: None
) -> None:
    product_id = await new_product(catalog_bus)

    ((event_type, topic, key, payload),) = await outbox(catalog_engine)
    assert (event_type, topic, key) == ("product.created", "shop.catalog.product", str(product_id))
    assert payload["source"] == "catalog"
    assert payload["data"]["price"] == "9.50"  # type: ignore[index]


async def test_a_reservation_and_its_reply_commit_together(
    catalog_bus: CatalogBus, catalog_engine: AsyncEngine, kitchen: None
) -> None:
    product_id, order_id = await new_product(catalog_bus, stock=5), uuid4()

    await catalog_bus.handle(c.ReserveStock(order_id, (StockLine(product_id, 2),)))

    assert await stock_of(catalog_engine, product_id) == (5, 2)
    last = (await outbox(catalog_engine))[-1]
    assert (last[0], last[1], last[2]) == ("stock.reserved", "shop.catalog.stock", str(order_id))


async def test_release_and_commit_are_idempotent_on_the_database(
    catalog_bus: CatalogBus, catalog_engine: AsyncEngine, kitchen: None
) -> None:
    first, second = await new_product(catalog_bus), await new_product(catalog_bus)
    paid, failed = uuid4(), uuid4()
    await catalog_bus.handle(c.ReserveStock(paid, (StockLine(first, 2),)))
    await catalog_bus.handle(c.ReserveStock(failed, (StockLine(second, 3),)))

    for _ in range(2):
        await catalog_bus.handle(c.CommitStock(paid))
        await catalog_bus.handle(c.ReleaseStock(failed, (StockLine(second, 3),)))

    assert await stock_of(catalog_engine, first) == (3, 0)
    assert await stock_of(catalog_engine, second) == (5, 0)
    types = [row[0] for row in await outbox(catalog_engine)]
    assert types.count("stock.released") == 1


async def test_concurrent_orders_never_oversell_the_last_units(
    catalog_bus: CatalogBus, catalog_engine: AsyncEngine, kitchen: None
) -> None:
    product_id = await new_product(catalog_bus, stock=3)
    orders = [uuid4() for _ in range(6)]

    await asyncio.gather(
        *(catalog_bus.handle(c.ReserveStock(o, (StockLine(product_id, 1),))) for o in orders)
    )

    assert await stock_of(catalog_engine, product_id) == (3, 3)
    types = [row[0] for row in await outbox(catalog_engine)]
    assert types.count("stock.reserved") == 3
    assert types.count("stock.reservation-failed") == 3


async def test_refused_commands_leave_no_event(
    catalog_bus: CatalogBus, catalog_engine: AsyncEngine, kitchen: None
) -> None:
    product_id = await new_product(catalog_bus, stock=1)
    before = await outbox(catalog_engine)

    with pytest.raises(ProductNotFoundError):
        await catalog_bus.handle(c.ChangePrice(uuid4(), Decimal(1), "EUR"))
    with pytest.raises(InvalidStockError):
        await catalog_bus.handle(c.CountStock(product_id, -1))

    assert await outbox(catalog_engine) == before
    assert await stock_of(catalog_engine, product_id) == (1, 0)


async def test_the_database_refuses_negative_stock_even_past_the_domain(
    catalog_engine: AsyncEngine, catalog_bus: CatalogBus, kitchen: None
) -> None:
    product_id = await new_product(catalog_bus, stock=1)

    with pytest.raises(IntegrityError):
        async with catalog_engine.begin() as connection:
            await connection.execute(
                text("UPDATE catalog.stock_items SET reserved = 2 WHERE product_id = :p"),
                {"p": product_id},
            )
