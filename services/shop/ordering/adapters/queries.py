"""Read-side queries of the ordering API, each one round trip on a prebuilt statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.ordering.adapters.tables import ORDER_HISTORY_JSON, order_history, orders

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
_ORDER = bindparam("order_id", type_=orders.c.id.type)
_AFTER = bindparam("after", type_=order_history.c.sequence.type)
_ENTRIES = order_history.alias("entries")
_ENTRY_COLUMNS = tuple(column.name for column in _ENTRIES.c)


@dataclass(frozen=True)
class SagaProgress:
    status: str
    awaiting: list[str]
    customer_id: str = ""


_PROGRESS = select(orders.c.status, orders.c.awaiting, orders.c.customer_id).where(
    orders.c.id == _ORDER
)


async def saga_progress(session: AsyncSession, order_id: UUID) -> SagaProgress | None:
    """The order's status and the compensations it awaits; None for an unknown order."""
    row = (await session.execute(_PROGRESS, {"order_id": order_id})).first()
    return None if row is None else SagaProgress(row.status, list(row.awaiting), row.customer_id)


_PROGRESS_AND_ENTRIES = (
    select(
        orders.c.status.label("saga_status"),
        orders.c.awaiting.label("saga_awaiting"),
        orders.c.customer_id.label("saga_customer_id"),
        *_ENTRIES.c,
    )
    .select_from(
        orders.outerjoin(
            _ENTRIES, (_ENTRIES.c.order_id == orders.c.id) & (_ENTRIES.c.sequence > _AFTER)
        )
    )
    .where(orders.c.id == _ORDER)
    .order_by(_ENTRIES.c.sequence)
)


async def progress_and_history_since(
    session: AsyncSession, order_id: UUID, after: int
) -> tuple[SagaProgress | None, list[dict[str, Any]]]:
    """The order's progress and its history entries above `after`, in one round trip (an
    order stream's read); (None, []) for an unknown order."""
    params = {"order_id": order_id, "after": after}
    rows = (await session.execute(_PROGRESS_AND_ENTRIES, params)).mappings().all()
    if not rows:
        return None, []
    first = rows[0]
    progress = SagaProgress(
        first["saga_status"], list(first["saga_awaiting"]), first["saga_customer_id"]
    )
    history = [
        {name: row[name] for name in _ENTRY_COLUMNS} for row in rows if row["sequence"] is not None
    ]
    return progress, history


_ORDER_WITH_HISTORY = select(*_SUMMARY, orders.c.risk, ORDER_HISTORY_JSON).where(
    orders.c.id == _ORDER
)


def _history_entry(order_id: UUID, entry: list[Any]) -> dict[str, Any]:
    sequence, kind, status, detail, cause_event_id, at = entry
    return {
        "order_id": order_id,
        "sequence": sequence,
        "kind": kind,
        "status": status,
        "detail": detail,
        "cause_event_id": UUID(cause_event_id),
        "at": datetime.fromisoformat(at).astimezone(UTC),  # JSON has the session's time zone
    }


async def get_order(session: AsyncSession, order_id: UUID) -> dict[str, Any] | None:
    """The order with its whole history (oldest first) and fraud score, or None."""
    found = (await session.execute(_ORDER_WITH_HISTORY, {"order_id": order_id})).mappings()
    row = found.first()
    if row is None:
        return None
    history = [_history_entry(order_id, entry) for entry in row["history"]]
    return {**row, "history": history}


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
