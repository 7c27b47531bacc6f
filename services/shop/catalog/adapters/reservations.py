"""The reservation repository: one order's reservation lines, locked per order.

Prebuilt plain SQL on the unit of work's asyncpg connection (`shop.common.plain_sql`,
docs/adr/0056); a reservation's lines are written in one upsert whatever their number, with
the counts of the stock they hold (a data-modifying CTE): one round trip for a reservation's
change. An order's lock is taken once per transaction: after `lock_orders` (a chunk's first
statement, ADR 0062) its `lock` is the read alone."""

from __future__ import annotations

from collections.abc import Callable, Collection
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import ARRAY, String, Uuid, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import insert

from shop.catalog.adapters.repositories import SAVE_STOCK, stock_parameters
from shop.catalog.adapters.tables import reservations
from shop.catalog.domain.reservation import OrderReservation
from shop.catalog.domain.stock import Reservation, ReservationStatus, StockItem
from shop.common.aggregate import Aggregate
from shop.common.plain_sql import PlainSql

_LOCK_ORDER = PlainSql(
    text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))").bindparams(
        bindparam("key", type_=String)
    )
)
"""Serialises work on one order even before it has reservation rows to lock."""
_LOCK_ORDERS = PlainSql(
    text(
        "SELECT pg_advisory_xact_lock(lock_key) FROM (SELECT DISTINCT hashtextextended(key, 0)"
        " AS lock_key FROM unnest(CAST(:keys AS text[])) AS key ORDER BY lock_key) AS sorted"
    ).bindparams(bindparam("keys", type_=ARRAY(String)))
)
"""`_LOCK_ORDER`'s locks of several orders in one statement, in the order of their lock keys:
the same for every caller, so two callers never wait on each other's orders crosswise."""
_ORDER_ID = bindparam("order_id", type_=Uuid)
_LINES = PlainSql(
    select(reservations.c.product_id, reservations.c.quantity, reservations.c.status).where(
        reservations.c.order_id == _ORDER_ID
    )
)
_NEW_LINES = insert(reservations).from_select(
    ["order_id", "product_id", "quantity", "status"],
    select(
        _ORDER_ID,
        func.unnest(bindparam("product_ids", type_=ARRAY(Uuid))),
        func.unnest(bindparam("quantities", type_=ARRAY(reservations.c.quantity.type))),
        func.unnest(bindparam("statuses", type_=ARRAY(String))),
    ),
)
_SAVE_LINES = _NEW_LINES.on_conflict_do_update(
    index_elements=["order_id", "product_id"],
    set_={
        "quantity": _NEW_LINES.excluded.quantity,
        "status": _NEW_LINES.excluded.status,
        "updated_at": func.now(),
    },
)
"""Every line of one order, from one array per column."""
_SAVE_LINES_AND_STOCK = PlainSql(_SAVE_LINES.add_cte(SAVE_STOCK.cte("stock_saved")))
_SAVE_LINES_ONLY = PlainSql(_SAVE_LINES)


class SqlReservationRepository:
    def __init__(self, connection: asyncpg.Connection, track: Callable[[Aggregate], None]) -> None:
        self._connection = connection
        self._track = track
        self._locked: set[UUID] = set()
        """Orders whose lock this transaction holds (a transaction's lock is held to its end)."""

    async def lock(self, order_id: UUID) -> OrderReservation | None:
        # The lock first, in a statement of its own: the read after it sees what the
        # transaction that held it committed.
        if order_id not in self._locked:
            await _LOCK_ORDER.execute(self._connection, {"key": _order_key(order_id)})
            self._locked.add(order_id)
        rows = await _LINES.fetch(self._connection, {"order_id": order_id})
        if not rows:
            return None
        lines = {
            product_id: Reservation(order_id, product_id, quantity, ReservationStatus(status))
            for product_id, quantity, status in rows
        }
        reservation = OrderReservation(order_id, lines)
        self._track(reservation)
        return reservation

    async def lock_orders(self, order_ids: Collection[UUID]) -> None:
        if order_ids:
            keys = [_order_key(order_id) for order_id in order_ids]
            await _LOCK_ORDERS.execute(self._connection, {"keys": keys})
            self._locked.update(order_ids)

    async def save(self, reservation: OrderReservation, stock: Collection[StockItem] = ()) -> None:
        self._track(reservation)
        for item in stock:
            self._track(item)
        lines = list(reservation.lines.values())
        if not lines:  # nothing reserved (a refused reservation): the stock is unchanged
            return
        parameters = {
            "order_id": reservation.order_id,
            "product_ids": [line.product_id for line in lines],
            "quantities": [line.quantity for line in lines],
            "statuses": [line.status.value for line in lines],
        }
        if not stock:
            await _SAVE_LINES_ONLY.execute(self._connection, parameters)
            return
        await _SAVE_LINES_AND_STOCK.execute(
            self._connection, {**parameters, **stock_parameters(stock)}
        )


def _order_key(order_id: UUID) -> str:
    """The name of the order's lock (`_LOCK_ORDER`, `_LOCK_ORDERS`)."""
    return f"catalog.reservation:{order_id}"
