"""Read-side queries of the payment API (no aggregates, no locks)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.payment.adapters.tables import payments


async def get_payment(session: AsyncSession, order_id: UUID) -> dict[str, Any] | None:
    """The payment row of an order, or None."""
    found = await session.execute(select(payments).where(payments.c.order_id == order_id))
    row = found.mappings().first()
    return dict(row) if row else None
