"""The payment repository: prebuilt plain SQL on the unit of work's asyncpg connection
(`shop.common.plain_sql`, docs/adr/0056); loaded payments are tracked for the outbox.

A payment's write is held back until the repository's next statement or the unit of work's
commit, which sends it with the transaction's outbox rows as one more CTE
(`shop.common.held_write`, as ordering's repository does: docs/adr/0061): a charge is then
BEGIN, inbox, payment read, payment write with outbox, COMMIT."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import bindparam, func, select, update

from shop.common.aggregate import Aggregate
from shop.common.held_write import HeldStatements, HeldWrite
from shop.common.plain_sql import PlainSql, bound
from shop.payment.adapters.tables import MESSAGING, payments
from shop.payment.domain.payment import Payment, PaymentStatus


class SqlPaymentRepository:
    def __init__(self, connection: asyncpg.Connection, track: Callable[[Aggregate], None]) -> None:
        self._connection = connection
        self._track = track
        self.writes = HeldWrite(connection)
        """The last write, not sent yet (the commit sends it, or the next statement)."""

    async def get(self, order_id: UUID) -> Payment | None:
        return await self._load(order_id, lock=False)

    async def lock(self, order_id: UUID) -> Payment | None:
        return await self._load(order_id, lock=True)

    async def add(self, payment: Payment) -> None:
        self._track(payment)
        await self.writes.hold(_INSERT, _columns(payment))

    async def save(self, payment: Payment) -> None:
        self._track(payment)
        await self.writes.hold(_UPDATE, {**_columns(payment), "order_key": payment.order_id})

    async def _load(self, order_id: UUID, *, lock: bool) -> Payment | None:
        await self.writes.send()
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
_ORDER_KEY = bindparam("order_key", type_=payments.c.order_id.type)
_SELECT = select(payments).where(payments.c.order_id == _ORDER_KEY)
_READ = PlainSql(_SELECT)
_LOCK = PlainSql(_SELECT.with_for_update())
_INSERT = HeldStatements.of(
    payments.insert().values(bound(payments, *_SAVED_COLUMNS)), MESSAGING.outbox
)
"""Executed with the payment's columns as parameters."""
_UPDATE = HeldStatements.of(
    update(payments)
    .where(payments.c.order_id == _ORDER_KEY)
    .values(
        {
            **bound(payments, *_SAVED_COLUMNS),
            "updated_at": func.now(),
        }
    ),
    MESSAGING.outbox,
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
