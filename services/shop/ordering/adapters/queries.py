"""Read-side queries of the ordering API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.ordering.adapters.tables import order_history, orders

_SUMMARY = (
    orders.c.id,
    orders.c.customer_id,
    orders.c.email,
    orders.c.lines,
    orders.c.total,
    orders.c.currency,
    orders.c.status,
    orders.c.cancel_reason,
    orders.c.awaiting,
    orders.c.placed_at,
    orders.c.updated_at,
)


@dataclass(frozen=True)
class SagaProgress:
    status: str
    awaiting: list[str]
    customer_id: str = ""


async def saga_progress(session: AsyncSession, order_id: UUID) -> SagaProgress | None:
    """The order's status and the compensations it awaits; None for an unknown order."""
    query = select(orders.c.status, orders.c.awaiting, orders.c.customer_id).where(
        orders.c.id == order_id
    )
    row = (await session.execute(query)).first()
    return None if row is None else SagaProgress(row.status, list(row.awaiting), row.customer_id)


async def progress_and_history_since(
    session: AsyncSession, order_id: UUID, after: int
) -> tuple[SagaProgress | None, list[dict[str, Any]]]:
    """The order's progress and its history entries above `after`, in one round trip (an
    order stream's read); (None, []) for an unknown order."""
    entries = order_history.alias("entries")
    joined = orders.outerjoin(
        entries, (entries.c.order_id == orders.c.id) & (entries.c.sequence > after)
    )
    query = (
        select(
            orders.c.status.label("saga_status"),
            orders.c.awaiting.label("saga_awaiting"),
            orders.c.customer_id.label("saga_customer_id"),
            *entries.c,
        )
        .select_from(joined)
        .where(orders.c.id == order_id)
        .order_by(entries.c.sequence)
    )
    rows = (await session.execute(query)).mappings().all()
    if not rows:
        return None, []
    first = rows[0]
    progress = SagaProgress(
        first["saga_status"], list(first["saga_awaiting"]), first["saga_customer_id"]
    )
    names = [column.name for column in entries.c]
    history = [{name: row[name] for name in names} for row in rows if row["sequence"] is not None]
    return progress, history


async def get_order(session: AsyncSession, order_id: UUID) -> dict[str, Any] | None:
    """The order with its whole history and fraud score, or None."""
    query = select(*_SUMMARY, orders.c.risk).where(orders.c.id == order_id)
    found = (await session.execute(query)).mappings()
    row = found.first()
    if row is None:
        return None
    return {**row, "history": await history_since(session, order_id, 0)}


async def history_since(session: AsyncSession, order_id: UUID, after: int) -> list[dict[str, Any]]:
    """History entries with a sequence above `after`, oldest first."""
    query = (
        select(order_history)
        .where(order_history.c.order_id == order_id, order_history.c.sequence > after)
        .order_by(order_history.c.sequence)
    )
    return [dict(row) for row in (await session.execute(query)).mappings().all()]


async def customer_orders(
    session: AsyncSession, customer_id: str, status: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """A customer's orders, newest first, one page, and how many there are in all."""
    conditions = [orders.c.customer_id == customer_id]
    if status is not None:
        conditions.append(orders.c.status == status)
    total = await session.scalar(select(func.count()).select_from(orders).where(*conditions))
    page = (
        select(*_SUMMARY)
        .where(*conditions)
        .order_by(orders.c.placed_at.desc(), orders.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [dict(row) for row in (await session.execute(page)).mappings().all()], int(total or 0)
