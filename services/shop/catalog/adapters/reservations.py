"""The reservation repository: one order's reservation lines, locked per order."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shop.catalog.adapters.tables import reservations
from shop.catalog.domain.reservation import OrderReservation
from shop.catalog.domain.stock import Reservation, ReservationStatus
from shop.common.aggregate import Aggregate


class SqlReservationRepository:
    def __init__(self, session: AsyncConnection, track: Callable[[Aggregate], None]) -> None:
        self._session = session
        self._track = track

    async def lock(self, order_id: UUID) -> OrderReservation | None:
        # Serialises work on one order even before it has reservation rows to lock.
        await self._session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"catalog.reservation:{order_id}"},
        )
        query = select(reservations).where(reservations.c.order_id == order_id)
        rows = (await self._session.execute(query)).mappings().all()
        if not rows:
            return None
        lines = {
            row["product_id"]: Reservation(
                order_id, row["product_id"], row["quantity"], ReservationStatus(row["status"])
            )
            for row in rows
        }
        reservation = OrderReservation(order_id, lines)
        self._track(reservation)
        return reservation

    async def save(self, reservation: OrderReservation) -> None:
        self._track(reservation)
        rows = [
            {
                "order_id": line.order_id,
                "product_id": line.product_id,
                "quantity": line.quantity,
                "status": line.status.value,
            }
            for line in reservation.lines.values()
        ]
        if not rows:
            return
        statement = insert(reservations).values(rows)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["order_id", "product_id"],
                set_={
                    "quantity": statement.excluded.quantity,
                    "status": statement.excluded.status,
                    "updated_at": func.now(),
                },
            )
        )
