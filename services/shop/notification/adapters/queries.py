"""Read-side queries of the notification API (no aggregates, no locks)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.notification.adapters.tables import deliveries


async def list_deliveries(
    session: AsyncSession, event_id: UUID | None, status: str | None, limit: int
) -> list[dict[str, Any]]:
    """The delivery log, newest first, optionally of one event or one outcome."""
    query = select(deliveries).order_by(deliveries.c.created_at.desc()).limit(limit)
    if event_id is not None:
        query = query.where(deliveries.c.cause_event_id == event_id)
    if status is not None:
        query = query.where(deliveries.c.status == status)
    return [dict(row) for row in (await session.execute(query)).mappings().all()]
