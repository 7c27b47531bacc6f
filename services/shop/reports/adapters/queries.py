"""Read-side queries of the reports API: the projection's tables, as the domain's values."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.reports.adapters import tables
from shop.reports.domain.projection import DaySales, ProductSale


async def sales_per_day(
    session: AsyncSession, first: date, last: date
) -> dict[tuple[date, str], DaySales]:
    """Confirmed orders and revenue per day and currency, from `first` to `last`."""
    query = (
        select(tables.sales_per_day)
        .where(tables.sales_per_day.c.day.between(first, last))
        .order_by(tables.sales_per_day.c.day, tables.sales_per_day.c.currency)
    )
    return {
        (row.day, row.currency): DaySales(row.orders, row.revenue)
        for row in await session.execute(query)
    }


async def top_products(session: AsyncSession, limit: int) -> list[ProductSale]:
    """Best sellers by units sold, then revenue."""
    query = (
        select(tables.product_sales)
        .order_by(
            tables.product_sales.c.quantity.desc(),
            tables.product_sales.c.revenue.desc(),
            tables.product_sales.c.name,
        )
        .limit(limit)
    )
    return [
        ProductSale(row.product_id, row.currency, row.name, row.quantity, row.revenue)
        for row in await session.execute(query)
    ]


async def orders_by_status(session: AsyncSession) -> dict[str, int]:
    """How many orders are in each status."""
    query = select(tables.orders_by_status).order_by(tables.orders_by_status.c.status)
    return {row.status: row.orders for row in await session.execute(query)}
