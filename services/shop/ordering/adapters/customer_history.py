"""What fraud scoring reads of a customer: ordering's own orders are the projection (ADR 0051),
and the customer's confirmed totals, kept as orders confirm (ADR 0054).

One prebuilt statement per checkout: whether the order is placed already, the customer's
orders in the velocity window (index `orders_customer_idx`, a range scan as long as the
window's orders) and the confirmed totals (one row by primary key).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import Boolean, ColumnElement, bindparam, func, literal, literal_column, select
from sqlalchemy.dialects.postgresql import insert

from shop.common.plain_sql import PlainSql
from shop.ordering.adapters.tables import customer_totals, orders
from shop.ordering.domain.fraud import CustomerHistory, RiskAssessment, RiskReason

_CUSTOMER = bindparam("customer_id", type_=orders.c.customer_id.type)
_CURRENCY = bindparam("currency", type_=orders.c.currency.type)
_TOTALS_ROW = (customer_totals.c.customer_id == _CUSTOMER) & (
    customer_totals.c.currency == _CURRENCY
)
_HISTORY_BEFORE = PlainSql(
    select(
        select(orders.c.id)
        .where(orders.c.id == bindparam("order_id", type_=orders.c.id.type))
        .exists(),
        select(func.count())
        .where(
            orders.c.customer_id == _CUSTOMER,
            orders.c.placed_at >= bindparam("since", type_=orders.c.placed_at.type),
        )
        .scalar_subquery(),
        func.coalesce(
            select(customer_totals.c.confirmed_orders).where(_TOTALS_ROW).scalar_subquery(), 0
        ),
        func.coalesce(
            select(customer_totals.c.confirmed_total).where(_TOTALS_ROW).scalar_subquery(), 0
        ),
    )
)

_CONFIRMED = insert(customer_totals).from_select(
    ["customer_id", "currency", "confirmed_orders", "confirmed_total"],
    select(
        _CUSTOMER,
        _CURRENCY,
        literal(1),
        bindparam("total", type_=orders.c.total.type),
    ).where(bindparam("newly_confirmed", type_=Boolean)),
)
COUNT_CONFIRMED = _CONFIRMED.on_conflict_do_update(
    index_elements=["customer_id", "currency"],
    set_={
        "confirmed_orders": customer_totals.c.confirmed_orders + 1,
        "confirmed_total": customer_totals.c.confirmed_total + _CONFIRMED.excluded.confirmed_total,
    },
)
"""Adds an order to its customer's totals when `newly_confirmed` (a CTE of the order's save;
its parameters are the order's own columns)."""


def totals_lock_key(customer_id: ColumnElement[str], currency: ColumnElement[str]) -> Any:
    """The key of the advisory lock that stands for a customer's totals row in `currency`,
    whether the row exists yet or not (a chunk's `SqlOrderRepository.hold`, ADR 0065)."""
    name = literal("ordering.customer_totals:") + currency + literal(":") + customer_id
    return func.hashtextextended(name, literal_column("0"))


async def history_before(
    connection: asyncpg.Connection, order_id: UUID, customer_id: str, currency: str, since: datetime
) -> CustomerHistory | None:
    """The customer's history before this order; None if the order is placed already."""
    parameters = {
        "order_id": order_id,
        "customer_id": customer_id,
        "currency": currency,
        "since": since,
    }
    [(placed, recent, confirmed_orders, confirmed_total)] = await _HISTORY_BEFORE.fetch(
        connection, parameters
    )
    if placed:
        return None
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
