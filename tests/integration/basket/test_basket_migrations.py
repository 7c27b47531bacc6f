"""The basket's migration 0003 moves each cart's lines into its row, and back on downgrade."""

from __future__ import annotations

import asyncio
import json
from uuid import uuid4

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from localinfra.postgres import PostgresServer
from shop.common.migrations import downgrade, upgrade

MUG, TEA = uuid4(), uuid4()


async def test_cart_lines_move_into_their_carts_rows_and_back(postgres: PostgresServer) -> None:
    name = f"basket_{uuid4().hex[:10]}"
    await asyncio.to_thread(postgres.create_database, name)
    url = postgres.dsn(name, driver="postgresql+asyncpg")
    await asyncio.to_thread(upgrade, "basket", url, "0002_basket")
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO basket.carts VALUES ('alice'), ('bob')"))
            await connection.execute(
                text("INSERT INTO basket.cart_lines VALUES ('alice', :mug, 2), ('alice', :tea, 1)"),
                {"mug": MUG, "tea": TEA},
            )
        await asyncio.to_thread(upgrade, "basket", url, "0003_cart_lines_in_row")
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT customer_id, lines::text FROM basket.carts ORDER BY 1")
            )
            moved = {customer: json.loads(lines) for customer, lines in rows}
        assert moved == {"alice": {str(MUG): 2, str(TEA): 1}, "bob": {}}

        await asyncio.to_thread(downgrade, "basket", url, "0002_basket")
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT customer_id, product_id, quantity FROM basket.cart_lines")
            )
            assert sorted(rows.all()) == sorted([("alice", MUG, 2), ("alice", TEA, 1)])
    finally:
        await engine.dispose()
