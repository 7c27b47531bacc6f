"""`shop run reports-api`: sales per day, top products, orders by status."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, FastAPI, Query, Request
from pydantic import BaseModel, Field

from shop.common.app import create_app
from shop.common.errors import RuleViolationError
from shop.common.openapi import problem_responses
from shop.common.process import ProcessContext
from shop.common.public_paths import public_prefix
from shop.common.server import run_api
from shop.reports.bootstrap import Reports, bootstrap
from shop.reports.settings import ReportsSettings

router = APIRouter(prefix="/reports", tags=["reports"])
MAX_DAYS = 366


class DaySalesOut(BaseModel):
    day: date
    currency: str = Field(examples=["EUR"])
    orders: int
    revenue: Decimal = Field(examples=["230.50"])


class ProductSalesOut(BaseModel):
    product_id: UUID
    name: str
    currency: str
    quantity: int
    revenue: Decimal


def _reports(request: Request) -> Reports:
    reports: Reports = request.app.state.process.state["reports"]
    return reports


@router.get("/sales", responses=problem_responses(422))
async def sales(
    request: Request,
    first: Annotated[date | None, Query(alias="from", description="Default: 29 days ago")] = None,
    last: Annotated[date | None, Query(alias="to", description="Default: today (UTC)")] = None,
) -> list[DaySalesOut]:
    """Confirmed orders and revenue per UTC day and currency."""
    last = last or datetime.now(UTC).date()
    first = first or last - timedelta(days=29)
    if first > last or (last - first).days >= MAX_DAYS:
        raise RuleViolationError(f"from..to must be a range of 1 to {MAX_DAYS} days")
    async with _reports(request).unit_of_work() as uow:
        found = await uow.projection.sales_per_day(first, last)
    return [
        DaySalesOut(day=day, currency=currency, orders=s.orders, revenue=s.revenue)
        for (day, currency), s in found.items()
    ]


@router.get("/top-products")
async def top_products(
    request: Request, limit: Annotated[int, Query(ge=1, le=100)] = 10
) -> list[ProductSalesOut]:
    """Best sellers by units sold, then revenue."""
    async with _reports(request).unit_of_work() as uow:
        found = await uow.projection.top_products(limit)
    return [ProductSalesOut.model_validate(sale, from_attributes=True) for sale in found]


@router.get("/orders-by-status")
async def orders_by_status(request: Request) -> dict[str, int]:
    """How many orders are in each status now (as far as reports has seen)."""
    async with _reports(request).unit_of_work() as uow:
        return await uow.projection.orders_by_status()


def create_reports_app(settings: ReportsSettings) -> FastAPI:
    async def wire(process: ProcessContext) -> None:
        process.state["reports"] = bootstrap(process.engine)

    return create_app(
        title="Shopkeeper reports",
        description="Sales projections built from order events.",
        settings=settings,
        routers=[router],
        public_prefix=public_prefix("reports"),
        lifespan_hooks=[wire],
    )


def main() -> int:
    return run_api(create_reports_app(ReportsSettings(service_name="reports-api")))


if __name__ == "__main__":
    sys.exit(main())
