"""Sales per day, top products, orders by status over HTTP: reads through `adapters.queries`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from shop.common.auth.dependencies import ADMIN_ONLY
from shop.common.errors import RuleViolationError
from shop.common.openapi import problem_responses
from shop.reports.adapters import queries
from shop.reports.bootstrap import Reports
from shop.reports.entrypoints.schemas import DaySalesOut, ProductSalesOut

router = APIRouter(prefix="/reports", tags=["reports"], dependencies=[ADMIN_ONLY])
MAX_DAYS = 366
DEFAULT_DAYS = 29


async def get_reports(request: Request) -> Reports:
    reports: Reports = request.app.state.process.state["reports"]
    return reports


ReportsDep = Annotated[Reports, Depends(get_reports)]


@router.get("/sales", responses=problem_responses(422))
async def sales(
    reports: ReportsDep,
    first: Annotated[date | None, Query(alias="from", description="Default: 29 days ago")] = None,
    last: Annotated[date | None, Query(alias="to", description="Default: today (UTC)")] = None,
) -> list[DaySalesOut]:
    """Confirmed orders and revenue per UTC day and currency."""
    last = last or datetime.now(UTC).date()
    first = first or days_before(last, DEFAULT_DAYS)
    if first > last or (last - first).days >= MAX_DAYS:
        raise RuleViolationError(f"from..to must be a range of 1 to {MAX_DAYS} days")
    async with reports.sessions() as session:
        found = await queries.sales_per_day(session, first, last)
    return [
        DaySalesOut(day=day, currency=currency, orders=s.orders, revenue=s.revenue)
        for (day, currency), s in found.items()
    ]


def days_before(day: date, days: int) -> date:
    """The date `days` before `day`, or the earliest date there is when that is out of range."""
    return day - timedelta(days=days) if day.toordinal() > days else date.min


@router.get("/top-products")
async def top_products(
    reports: ReportsDep, limit: Annotated[int, Query(ge=1, le=100)] = 10
) -> list[ProductSalesOut]:
    """Best sellers by units sold, then revenue."""
    async with reports.sessions() as session:
        found = await queries.top_products(session, limit)
    return [ProductSalesOut.model_validate(sale, from_attributes=True) for sale in found]


@router.get("/orders-by-status")
async def orders_by_status(reports: ReportsDep) -> dict[str, int]:
    """How many orders are in each status now (as far as reports has seen)."""
    async with reports.sessions() as session:
        return await queries.orders_by_status(session)
