"""The projection in PostgreSQL: a change applied as increments (upserts), never recomputed.

The API reads it through `adapters.queries`."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shop.reports.adapters.tables import (
    order_status,
    orders_by_status,
    product_sales,
    sales_per_day,
)
from shop.reports.domain.projection import Change


class SqlProjectionRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self._session = session

    async def status_of(self, order_id: UUID) -> str | None:
        query = select(order_status.c.status).where(order_status.c.order_id == order_id)
        return await self._session.scalar(query.with_for_update())

    async def apply(self, change: Change) -> None:
        await self._set_status(change)
        if change.day is not None and change.currency is not None:
            row = insert(sales_per_day).values(
                day=change.day, currency=change.currency, orders=1, revenue=change.revenue
            )
            await self._session.execute(
                row.on_conflict_do_update(
                    index_elements=["day", "currency"],
                    set_={
                        "orders": sales_per_day.c.orders + 1,
                        "revenue": sales_per_day.c.revenue + row.excluded.revenue,
                    },
                )
            )
        for sale in change.products:
            row = insert(product_sales).values(
                product_id=sale.product_id,
                currency=sale.currency,
                name=sale.name,
                quantity=sale.quantity,
                revenue=sale.revenue,
            )
            await self._session.execute(
                row.on_conflict_do_update(
                    index_elements=["product_id", "currency"],
                    set_={
                        "name": row.excluded.name,
                        "quantity": product_sales.c.quantity + row.excluded.quantity,
                        "revenue": product_sales.c.revenue + row.excluded.revenue,
                    },
                )
            )

    async def _set_status(self, change: Change) -> None:
        status = insert(order_status).values(order_id=change.order_id, status=change.status)
        await self._session.execute(
            status.on_conflict_do_update(
                index_elements=["order_id"], set_={"status": status.excluded.status}
            )
        )
        if change.previous_status is not None:
            await self._session.execute(
                update(orders_by_status)
                .where(orders_by_status.c.status == change.previous_status)
                .values(orders=orders_by_status.c.orders - 1)
            )
        count = insert(orders_by_status).values(status=change.status, orders=1)
        await self._session.execute(
            count.on_conflict_do_update(
                index_elements=["status"], set_={"orders": orders_by_status.c.orders + 1}
            )
        )
