"""The payment repository: prebuilt plain SQL on the unit of work's asyncpg connection
(`shop.common.plain_sql`, docs/adr/0056); loaded payments are tracked for the outbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import bindparam, func, select, update

from shop.common.aggregate import Aggregate
from shop.common.plain_sql import PlainSql, bound
from shop.payment.adapters.tables import payments
from shop.payment.domain.payment import Payment, PaymentStatus


class SqlPaymentRepository:
    def __init__(self, connection: asyncpg.Connection, track: Callable[[Aggregate], None]) -> None:
        self._connection = connection
        self._track = track

    async def get(self, order_id: UUID) -> Payment | None:
        return await self._load(order_id, lock=False)

    async def lock(self, order_id: UUID) -> Payment | None:
        return await self._load(order_id, lock=True)

    async def add(self, payment: Payment) -> None:
        self._track(payment)
        await _INSERT.execute(self._connection, _columns(payment))

    async def save(self, payment: Payment) -> None:
        self._track(payment)
        await _UPDATE.execute(
            self._connection, {**_columns(payment), "order_key": payment.order_id}
        )

    async def _load(self, order_id: UUID, *, lock: bool) -> Payment | None:
        row = await (_LOCK if lock else _READ).fetchrow(self._connection, {"order_key": order_id})
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
_SELECT = select(payments).where(
    payments.c.order_id == bindparam("order_key", type_=payments.c.order_id.type)
)
_READ = PlainSql(_SELECT)
_LOCK = PlainSql(_SELECT.with_for_update())
_INSERT = PlainSql(payments.insert().values(bound(payments, *_SAVED_COLUMNS)))
"""Executed with the payment's columns as parameters."""
_UPDATE = PlainSql(
    update(payments)
    .where(payments.c.order_id == bindparam("order_key", type_=payments.c.order_id.type))
    .values(
        {
            **bound(payments, *_SAVED_COLUMNS),
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
