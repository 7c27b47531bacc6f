"""Catalog's order locks on real PostgreSQL: a chunk that locked its orders first (ADR 0062)
does not lock them again in each handler; a handler alone still takes its order's lock."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from shop.catalog.adapters.unit_of_work import SqlCatalogUnitOfWork
from shop.catalog.adapters.wordllama_embedder import wordllama_embedder
from shop.catalog.bootstrap import CatalogBus
from shop.catalog.domain import commands as c
from shop.catalog.domain.events import StockLine
from shop.catalog.service_layer.chunk_locks import lock_chunk
from shop.catalog.service_layer.handlers import CatalogDependencies
from shop.catalog.service_layer.stock_handlers import commit_stock, reserve_stock

DEPS = CatalogDependencies(wordllama_embedder())
LOCK = "pg_advisory_xact_lock"


async def _product(bus: CatalogBus) -> UUID:
    await bus.handle(c.CreateCategory("kitchen", "Kitchen"))
    product_id: UUID = await bus.handle(
        c.CreateProduct("Mug", "A big mug", "kitchen", Decimal("9.50"), "EUR", 5, 1)
    )
    return product_id


async def _stock(engine: AsyncEngine, product_id: UUID) -> tuple[Any, ...]:
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text("SELECT on_hand, reserved FROM catalog.stock_items WHERE product_id = :p"),
                {"p": product_id},
            )
        ).one()
        return tuple(row)


class _Statements:
    """The statements a unit of work's connection sends while logged."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def __call__(self, record: Any) -> None:
        self.sent.append(record.query)

    def locks(self) -> int:
        return sum(LOCK in query for query in self.sent)


async def test_a_chunk_that_locked_its_orders_takes_no_order_lock_in_its_handlers(
    catalog_bus: CatalogBus, catalog_engine: AsyncEngine
) -> None:
    product_id = await _product(catalog_bus)
    first, second = uuid4(), uuid4()
    commands: list[c.ReserveStock | c.CommitStock] = [
        c.ReserveStock(first, (StockLine(product_id, 1),)),
        c.ReserveStock(second, (StockLine(product_id, 2),)),
        c.CommitStock(first),
    ]
    logged = _Statements()
    sessions = async_sessionmaker(catalog_engine, expire_on_commit=False)
    async with SqlCatalogUnitOfWork(sessions) as uow:
        uow.connection.add_query_logger(logged)
        await lock_chunk(commands, uow)
        for command in commands:
            if isinstance(command, c.ReserveStock):
                await reserve_stock(command, uow, DEPS)
            else:
                await commit_stock(command, uow, DEPS)
            uow.seal()
        await uow.commit()
        await asyncio.sleep(0)  # the logger is called soon after each statement

    assert logged.locks() == 1, logged.sent  # the chunk's one statement for both orders
    assert await _stock(catalog_engine, product_id) == (4, 2)


async def test_a_handler_alone_takes_its_orders_lock_once(
    catalog_bus: CatalogBus, catalog_engine: AsyncEngine
) -> None:
    product_id = await _product(catalog_bus)
    order_id = uuid4()
    logged = _Statements()
    sessions = async_sessionmaker(catalog_engine, expire_on_commit=False)
    async with SqlCatalogUnitOfWork(sessions) as uow:
        uow.connection.add_query_logger(logged)
        await reserve_stock(c.ReserveStock(order_id, (StockLine(product_id, 1),)), uow, DEPS)
        await commit_stock(c.CommitStock(order_id), uow, DEPS)
        await uow.commit()
        await asyncio.sleep(0)

    assert logged.locks() == 1, logged.sent
    assert await _stock(catalog_engine, product_id) == (4, 0)
