"""The payment repository over SQLAlchemy Core; loaded payments are tracked for the outbox.

Its statements are built once, with bound parameters: every payment command runs them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, func, select, update
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
        await self._session.execute(_INSERT, _columns(payment))

    async def save(self, payment: Payment) -> None:
        self._track(payment)
        await self._session.execute(_UPDATE, {**_columns(payment), "order_key": payment.order_id})

    async def _load(self, order_id: UUID, *, lock: bool) -> Payment | None:
        found = await self._session.execute(_LOCK if lock else _READ, {"order_key": order_id})
        row = found.mappings().first()
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


_SAVED_COLUMNS = (
    "order_id",
    "customer_id",
    "amount",
    "currency",
    "status",
    "reference",
    "failure_reason",
    "refunded_amount",
)
_READ = select(payments).where(
    payments.c.order_id == bindparam("order_key", type_=payments.c.order_id.type)
)
_LOCK = _READ.with_for_update()
_INSERT = payments.insert()
"""Executed with the payment's columns as parameters."""
_UPDATE = (
    update(payments)
    .where(payments.c.order_id == bindparam("order_key", type_=payments.c.order_id.type))
    .values(
        {
            **{name: bindparam(name, type_=payments.c[name].type) for name in _SAVED_COLUMNS},
            "updated_at": func.now(),
        }
    )
)
"""Executed with `_columns` and the order id as `order_key` (the row)."""


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
