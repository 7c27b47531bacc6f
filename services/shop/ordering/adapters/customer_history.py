"""What fraud scoring reads of a customer: ordering's own orders are the projection (ADR 0051)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shop.ordering.adapters.tables import orders
from shop.ordering.domain.fraud import CustomerHistory, RiskAssessment, RiskReason
from shop.ordering.domain.order_terms import OrderStatus


async def customer_history(
    session: AsyncConnection, customer_id: str, currency: str, since: datetime
) -> CustomerHistory:
    """One pass over the customer's orders (index `orders_customer_idx`)."""
    confirmed = (orders.c.status == OrderStatus.CONFIRMED.value) & (orders.c.currency == currency)
    query = select(
        func.count().filter(orders.c.placed_at >= since),
        func.count().filter(confirmed),
        func.coalesce(func.sum(orders.c.total).filter(confirmed), 0),
    ).where(orders.c.customer_id == customer_id)
    recent, confirmed_orders, confirmed_total = (await session.execute(query)).one()
    return CustomerHistory(int(recent), int(confirmed_orders), Decimal(confirmed_total))


def risk_json(risk: RiskAssessment | None) -> dict[str, Any] | None:
    if risk is None:
        return None
    reasons = [{"rule": r.rule, "points": r.points, "detail": r.detail} for r in risk.reasons]
    return {"score": risk.score, "threshold": risk.threshold, "reasons": reasons}


def risk_of(stored: dict[str, Any] | None) -> RiskAssessment | None:
    if stored is None:
        return None
    reasons = tuple(RiskReason(r["rule"], r["points"], r["detail"]) for r in stored["reasons"])
    return RiskAssessment(stored["score"], stored["threshold"], reasons)
