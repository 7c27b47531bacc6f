"""Stock of a product: deliveries, counts and the low-stock threshold."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from shop.catalog.adapters import queries
from shop.catalog.domain import commands as c
from shop.catalog.domain.errors import ProductNotFoundError
from shop.catalog.entrypoints.dependencies import BusDep, SessionDep
from shop.catalog.entrypoints.schemas import StockCount, StockOut, StockReceipt, ThresholdIn
from shop.common.auth.dependencies import ADMIN_ONLY
from shop.common.openapi import problem_responses

router = APIRouter(prefix="/products/{product_id}/stock", tags=["stock"])


@router.get("", responses=problem_responses(404))
async def get_stock(product_id: UUID, session: SessionDep) -> StockOut:
    return await _stock(session, product_id)


@router.post("/receipts", dependencies=[ADMIN_ONLY], responses=problem_responses(404, 422))
async def receive_stock(
    product_id: UUID, body: StockReceipt, bus: BusDep, session: SessionDep
) -> StockOut:
    """Add delivered units."""
    await bus.handle(c.ReceiveStock(product_id, body.quantity))
    return await _stock(session, product_id)


@router.put("", dependencies=[ADMIN_ONLY], responses=problem_responses(404, 422))
async def count_stock(
    product_id: UUID, body: StockCount, bus: BusDep, session: SessionDep
) -> StockOut:
    """Set the units on hand after a count (never below the units reserved for orders)."""
    await bus.handle(c.CountStock(product_id, body.on_hand))
    return await _stock(session, product_id)


@router.put("/threshold", dependencies=[ADMIN_ONLY], responses=problem_responses(404, 422))
async def set_threshold(
    product_id: UUID, body: ThresholdIn, bus: BusDep, session: SessionDep
) -> StockOut:
    await bus.handle(c.SetLowStockThreshold(product_id, body.low_stock_threshold))
    return await _stock(session, product_id)


async def _stock(session: SessionDep, product_id: UUID) -> StockOut:
    row = await queries.get_product(session, product_id)
    if row is None:
        raise ProductNotFoundError(product_id)
    return StockOut(
        on_hand=row["on_hand"],
        reserved=row["reserved"],
        available=row["on_hand"] - row["reserved"],
        low_stock_threshold=row["low_stock_threshold"],
    )
