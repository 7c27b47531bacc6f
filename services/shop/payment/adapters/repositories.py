"""The payment repository over SQLAlchemy Core; loaded payments are tracked for the outbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shop.common.aggregate import Aggregate
from shop.payment.adapters.tables import payments
from shop.payment.domain.payment import Payment, PaymentStatus


class SqlPaymentRepository:
    def __init__(self, session: AsyncConnection, track: Callable[[Aggregate], None]) -> None:
        self._session = session
        self._track = track

    async def get(self, order_id: UUID) -> Payment | None:
        return await self._load(order_id, lock=False)

    async def lock(self, order_id: UUID) -> Payment | None:
        return await self._load(order_id, lock=True)

    async def add(self, payment: Payment) -> None:
        self._track(payment)
        await self._session.execute(payments.insert().values(_columns(payment)))

    async def save(self, payment: Payment) -> None:
        self._track(payment)
        await self._session.execute(
            update(payments)
            .where(payments.c.order_id == payment.order_id)
            .values(updated_at=func.now(), **_columns(payment))
        )

    async def _load(self, order_id: UUID, *, lock: bool) -> Payment | None:
        query = select(payments).where(payments.c.order_id == order_id)
        found = (await self._session.execute(query.with_for_update() if lock else query)).mappings()
        row = found.first()
        if row is None:
            return None
        payment = Payment(
            row["order_id"],
            row["customer_id"],
            row["amount"],
            row["currency"],
            PaymentStatus(row["status"]),
            row["reference"],
            row["failure_reason"],
            row["refunded_amount"],
        )
        self._track(payment)
        return payment


def _columns(payment: Payment) -> dict[str, Any]:
    return {
        "order_id": payment.order_id,
        "customer_id": payment.customer_id,
        "amount": payment.amount,
        "currency": payment.currency,
        "status": payment.status.value,
        "reference": payment.reference,
        "failure_reason": payment.failure_reason,
        "refunded_amount": payment.refunded_amount,
    }
