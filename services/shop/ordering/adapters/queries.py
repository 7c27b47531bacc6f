"""Read-side queries of the ordering API: each one round trip of prebuilt plain SQL on an
asyncpg connection of the API's read pool (`shop.common.read_pool`: JSON comes back decoded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]

from shop.ordering.adapters.tables import SCHEMA

_ORDERS, _HISTORY = f"{SCHEMA}.orders", f"{SCHEMA}.order_history"
_SUMMARY = (
    "o.id, o.customer_id, o.email, o.lines, o.total, o.currency, o.status, o.cancel_reason,"
    " o.awaiting, o.placed_at, o.updated_at"
)
_ENTRY_COLUMNS = ("order_id", "sequence", "kind", "status", "detail", "cause_event_id", "at")


@dataclass(frozen=True)
class SagaProgress:
    status: str
    awaiting: list[str]
    customer_id: str = ""


_PROGRESS_AND_ENTRIES = f"""
SELECT o.status, o.awaiting, o.customer_id, {", ".join(f"e.{c}" for c in _ENTRY_COLUMNS)}
FROM {_ORDERS} o LEFT JOIN {_HISTORY} e ON e.order_id = o.id AND e.sequence > $2
WHERE o.id = $1
ORDER BY e.sequence"""


async def progress_and_history_since(
    connection: asyncpg.Connection, order_id: UUID, after: int
) -> tuple[SagaProgress | None, list[dict[str, Any]]]:
    """The order's progress and its history entries above `after`, in one round trip (an
    order stream's read); (None, []) for an unknown order."""
    rows = await connection.fetch(_PROGRESS_AND_ENTRIES, order_id, after)
    if not rows:
        return None, []
    first = rows[0]
    progress = SagaProgress(first[0], list(first[1]), first[2])
    history = [
        dict(zip(_ENTRY_COLUMNS, row[3:], strict=True)) for row in rows if row[4] is not None
    ]
    return progress, history


_ORDER_WITH_HISTORY = f"""
SELECT {_SUMMARY}, o.risk, (
    SELECT coalesce(json_agg(json_build_array(
        h.sequence, h.kind, h.status, h.detail, h.cause_event_id, h.at) ORDER BY h.sequence),
        '[]'::json)
    FROM {_HISTORY} h WHERE h.order_id = o.id) AS history
FROM {_ORDERS} o WHERE o.id = $1"""
"""An order with its history entries, oldest first, as a JSON array of [sequence, kind,
status, detail, cause_event_id, at]: one round trip."""


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


async def get_order(connection: asyncpg.Connection, order_id: UUID) -> dict[str, Any] | None:
    """The order with its whole history (oldest first) and fraud score, or None."""
    row = await connection.fetchrow(_ORDER_WITH_HISTORY, order_id)
    if row is None:
        return None
    history = [_history_entry(order_id, entry) for entry in row["history"]]
    return {**dict(row.items()), "history": history}


_CUSTOMER_PAGE = f"""
SELECT {_SUMMARY}, count(*) OVER () AS matching
FROM {_ORDERS} o
WHERE o.customer_id = $1 AND ($2::text IS NULL OR o.status = $2)
ORDER BY o.placed_at DESC, o.id
LIMIT $3 OFFSET $4"""
_CUSTOMER_COUNT = f"""
SELECT count(*) FROM {_ORDERS} o WHERE o.customer_id = $1 AND ($2::text IS NULL OR o.status = $2)"""


async def customer_orders(
    connection: asyncpg.Connection, customer_id: str, status: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """A customer's orders, newest first, one page, and how many there are in all."""
    rows = await connection.fetch(_CUSTOMER_PAGE, customer_id, status, limit, offset)
    if rows:
        total = int(rows[0]["matching"])
    else:  # past the last page (or none): count apart
        total = int(await connection.fetchval(_CUSTOMER_COUNT, customer_id, status))
    page = [{k: v for k, v in row.items() if k != "matching"} for row in rows]
    return page, total
