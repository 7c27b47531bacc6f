"""The order repository: orders and history rows <-> Order aggregates, in prebuilt plain SQL
on the unit of work's asyncpg connection (`shop.common.plain_sql`, docs/adr/0056).

An order is read in one round trip (its row, locked or not, with its history as a JSON array),
and written in one: the order's row, the history entries added since it was read and, as it
is confirmed, its customer's totals (data-modifying CTEs beside the history insert). A chunk
of the worker's messages first holds its orders and their customers' totals (`hold`, ADR 0065).

The write is held back until the repository's next statement or the unit of work's commit,
which sends it with the transaction's outbox rows as one more CTE (`shop.common.held_write`):
a saga step is then BEGIN, inbox, order read, order write with outbox, COMMIT. Every statement
of the repository sends the held write first, so each read sees what the unit of work wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import ARRAY, Integer, any_, bindparam, case, func, select, update
from sqlalchemy.dialects.postgresql import insert

from shop.common.aggregate import Aggregate
from shop.common.held_write import HeldStatements, HeldWrite
from shop.common.plain_sql import PlainSql
from shop.ordering.adapters.customer_history import (
    COUNT_CONFIRMED,
    history_before,
    risk_json,
    risk_of,
    totals_lock_key,
)
from shop.ordering.adapters.tables import MESSAGING, ORDER_HISTORY_JSON, order_history, orders
from shop.ordering.domain.fraud import CustomerHistory
from shop.ordering.domain.order import HistoryEntry, Order
from shop.ordering.domain.order_terms import (
    CancelReason,
    Compensation,
    OrderLine,
    OrderStatus,
    OrderTerms,
)
from shop.ordering.domain.saga import WAITING
from shop.ordering.domain.saga_state import SagaState


class SqlOrderRepository:
    def __init__(self, connection: asyncpg.Connection, track: Callable[[Aggregate], None]) -> None:
        self._connection = connection
        self._track = track
        self._stored: dict[UUID, int] = {}
        """Per order read or written here: the last history sequence already stored."""
        self._confirmed: set[UUID] = set()
        """Orders read or written here as confirmed (counted in their customer's totals)."""
        self.writes = HeldWrite(connection)
        """The last write, not sent yet (the commit sends it, or the next statement)."""

    async def get(self, order_id: UUID) -> Order | None:
        return await self._load(order_id, lock=False)

    async def lock(self, order_id: UUID) -> Order | None:
        return await self._load(order_id, lock=True)

    async def add(self, order: Order) -> None:
        self._track(order)
        row = {"placed_at": order.placed_at, **_saga_columns(order)}
        await self.writes.hold(_PLACE, {**row, **self._new_history(order)})

    async def save(self, order: Order) -> None:
        self._track(order)
        newly_confirmed = order.status is OrderStatus.CONFIRMED and order.id not in self._confirmed
        if newly_confirmed:
            self._confirmed.add(order.id)
        parameters = {
            **_saga_columns(order),
            **self._new_history(order),
            "newly_confirmed": newly_confirmed,
        }
        await self.writes.hold(_SAVE, parameters)

    async def hold(self, order_ids: Collection[UUID], *, confirming: Collection[UUID]) -> None:
        await self.writes.send()
        parameters = {"order_ids": list(order_ids), "confirming": list(confirming)}
        await _HOLD.execute(self._connection, parameters)

    async def history_before(
        self, order_id: UUID, customer_id: str, currency: str, since: datetime
    ) -> CustomerHistory | None:
        await self.writes.send()
        return await history_before(self._connection, order_id, customer_id, currency, since)

    async def due(self, now: datetime, limit: int) -> list[UUID]:
        await self.writes.send()
        return [row[0] for row in await _DUE.fetch(self._connection, {"now": now, "limit": limit})]

    async def _load(self, order_id: UUID, *, lock: bool) -> Order | None:
        await self.writes.send()
        query = _LOCK_ORDER if lock else _READ_ORDER
        key = {"order_key": order_id}
        found = await query.fetchrow(self._connection, key)
        if found is not None and lock and _history_behind(found):
            # The lock was waited for: the row is as last committed, the history beside it as
            # of the statement's start. Read again, now that the row is ours (ADR 0067).
            found = await query.fetchrow(self._connection, key)
        if found is None:
            return None
        entries = [_entry(entry) for entry in found["history"]]
        order = Order(_saga(found), found["placed_at"], entries)
        self._stored[order.id] = entries[-1].sequence if entries else 0
        if order.status is OrderStatus.CONFIRMED:
            self._confirmed.add(order.id)
        self._track(order)
        return order

    def _new_history(self, order: Order) -> dict[str, Any]:
        """The parameters of the history entries not stored yet (arrays, one per column);
        from now on they count as stored."""
        stored = self._stored.get(order.id, 0)
        new = [entry for entry in order.history if entry.sequence > stored]
        if new:
            self._stored[order.id] = new[-1].sequence
        # Append-only: entries stored before are left exactly as they are.
        return {
            "order_key": order.id,
            "sequences": [entry.sequence for entry in new],
            "kinds": [entry.kind for entry in new],
            "statuses": [entry.status.value for entry in new],
            "details": [entry.detail for entry in new],
            "causes": [entry.cause_event_id for entry in new],
            "ats": [entry.at for entry in new],
        }


def lines_json(lines: tuple[OrderLine, ...]) -> list[dict[str, Any]]:
    return [
        {
            "product_id": str(line.product_id),
            "name": line.name,
            "quantity": line.quantity,
            "unit_price": str(line.unit_price),
        }
        for line in lines
    ]


def _saga_columns(order: Order) -> dict[str, Any]:
    saga, terms = order.saga, order.terms
    return {
        "customer_id": terms.customer_id,
        "email": terms.email,
        "lines": lines_json(terms.lines),
        "total": terms.total,
        "currency": terms.currency,
        "status": saga.status.value,
        "deadline": saga.deadline,
        "cancel_reason": saga.cancel_reason.value if saga.cancel_reason else None,
        "awaiting": sorted(step.value for step in saga.awaiting),
        "risk": risk_json(saga.risk),
        "updated_at": order.history[-1].at if order.history else order.placed_at,
        "last_history_sequence": order.history[-1].sequence if order.history else 0,
    }


def _saga(row: asyncpg.Record) -> SagaState:
    lines = tuple(
        OrderLine(
            UUID(line["product_id"]), line["name"], line["quantity"], Decimal(line["unit_price"])
        )
        for line in row["lines"]
    )
    terms = OrderTerms(row["customer_id"], row["email"], lines, row["total"], row["currency"])
    return SagaState(
        row["id"],
        terms,
        OrderStatus(row["status"]),
        row["deadline"],
        CancelReason(row["cancel_reason"]) if row["cancel_reason"] else None,
        frozenset(Compensation(step) for step in row["awaiting"]),
        risk_of(row["risk"]),
    )


def _history_behind(row: asyncpg.Record) -> bool:
    """Whether the history read beside the order's row misses entries the row counts."""
    history: list[list[Any]] = row["history"]
    counted: int = row["last_history_sequence"]
    return (int(history[-1][0]) if history else 0) < counted


def _entry(entry: list[Any]) -> HistoryEntry:
    sequence, kind, status, detail, cause_event_id, at = entry
    return HistoryEntry(
        int(sequence),
        kind,
        OrderStatus(status),
        detail,
        UUID(cause_event_id),
        datetime.fromisoformat(at),
    )


_ORDER_KEY = bindparam("order_key", type_=orders.c.id.type)
_ORDER_WITH_HISTORY = select(orders, ORDER_HISTORY_JSON).where(orders.c.id == _ORDER_KEY)
_READ_ORDER = PlainSql(_ORDER_WITH_HISTORY)
_LOCK_ORDER = PlainSql(_ORDER_WITH_HISTORY.with_for_update(of=orders))
_ORDER_KEYS = ARRAY(orders.c.id.type)
_HELD = (
    select(orders.c.id, orders.c.customer_id, orders.c.currency)
    .where(orders.c.id == any_(bindparam("order_ids", type_=_ORDER_KEYS)))
    .order_by(orders.c.id)
    .with_for_update()
    .cte("held")
    .prefix_with("MATERIALIZED")  # run whole, first: every order locked, whatever follows
)
_TOTALS_KEY = case(
    (
        _HELD.c.id == any_(bindparam("confirming", type_=_ORDER_KEYS)),
        totals_lock_key(_HELD.c.customer_id, _HELD.c.currency),
    )
).label("lock_key")
_TOTALS_KEYS = select(_TOTALS_KEY).distinct().order_by(_TOTALS_KEY).subquery("sorted")
_HOLD = PlainSql(
    select(func.pg_advisory_xact_lock(_TOTALS_KEYS.c.lock_key)).where(
        _TOTALS_KEYS.c.lock_key.is_not(None)
    )
)
"""A chunk's locks, in one statement: its orders' rows `FOR UPDATE` (as `_LOCK_ORDER`), in id
order, then the advisory locks of the totals of the `confirming` orders' customers (a row that
may not exist yet), in key order: the same order for every chunk."""
_WAITING = bindparam("waiting", sorted(s.value for s in WAITING), type_=ARRAY(orders.c.status.type))
_DUE = PlainSql(
    select(orders.c.id)
    .where(
        orders.c.status == any_(_WAITING),
        orders.c.deadline <= bindparam("now", type_=orders.c.deadline.type),
    )
    .order_by(orders.c.deadline)
    .limit(bindparam("limit", type_=Integer))
)
"""The saga timer's round: orders waiting on a step past its deadline, oldest first."""


def _history_column(name: str, column: str) -> Any:
    return func.unnest(bindparam(name, type_=ARRAY(order_history.c[column].type)))


_APPEND_HISTORY = insert(order_history).from_select(
    ["order_id", "sequence", "kind", "status", "detail", "cause_event_id", "at"],
    select(
        _ORDER_KEY,
        _history_column("sequences", "sequence"),
        _history_column("kinds", "kind"),
        _history_column("statuses", "status"),
        _history_column("details", "detail"),
        _history_column("causes", "cause_event_id"),
        _history_column("ats", "at"),
    ),
)
"""The new history entries, from one array per column (none: no row). A sequence already
taken fails the write: an entry is never dropped."""
_SAGA_VALUES = {
    column.name: bindparam(column.name, type_=column.type)
    for column in orders.c
    if column.name not in ("id", "placed_at")
}
_PLACED = (
    orders.insert()
    .values(
        {
            "id": _ORDER_KEY,
            "placed_at": bindparam("placed_at", type_=orders.c.placed_at.type),
            **_SAGA_VALUES,
        }
    )
    .cte("placed")
)
_SAVED = update(orders).where(orders.c.id == _ORDER_KEY).values(_SAGA_VALUES).cte("saved")
_COUNTED = COUNT_CONFIRMED.cte("counted")
_PLACE = HeldStatements.of(_APPEND_HISTORY.add_cte(_PLACED), MESSAGING.outbox)
"""A new order and its first history entries, in one statement."""
_SAVE = HeldStatements.of(_APPEND_HISTORY.add_cte(_SAVED, _COUNTED), MESSAGING.outbox)
"""The saga's columns, the history entries added since the order was read and, when
`newly_confirmed`, the order in its customer's totals."""
