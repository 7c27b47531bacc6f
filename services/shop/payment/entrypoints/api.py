"""`shop run payment-api`: the payment of an order."""

from __future__ import annotations

import sys
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter, FastAPI, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from shop.common.app import create_app
from shop.common.errors import NotFoundError
from shop.common.openapi import problem_responses
from shop.common.process import ProcessContext
from shop.common.public_paths import public_prefix
from shop.common.server import run_api
from shop.payment.adapters.tables import payments
from shop.payment.bootstrap import Payments, bootstrap, mock_gateway
from shop.payment.settings import PaymentSettings

router = APIRouter(prefix="/payments", tags=["payments"])


class PaymentNotFoundError(NotFoundError):
    code = "payment-not-found"
    title = "Payment not found"


class PaymentOut(BaseModel):
    order_id: UUID
    customer_id: str
    amount: Decimal = Field(examples=["23.00"])
    currency: str = Field(examples=["EUR"])
    status: str = Field(examples=["succeeded"])
    reference: str | None = None
    failure_reason: str | None = Field(None, examples=[None, "card-declined"])
    refunded_amount: Decimal
    created_at: datetime
    updated_at: datetime


@router.get("/{order_id}", responses=problem_responses(404))
async def get_payment(order_id: UUID, request: Request) -> PaymentOut:
    """The payment of an order (each order is charged at most once)."""
    payments_app: Payments = request.app.state.process.state["payments"]
    async with payments_app.sessions() as session:
        row = await session.execute(select(payments).where(payments.c.order_id == order_id))
        found = row.mappings().first()
    if found is None:
        raise PaymentNotFoundError(f"order {order_id} has no payment", orderId=str(order_id))
    return PaymentOut.model_validate(dict(found))


def create_payment_app(settings: PaymentSettings) -> FastAPI:
    async def wire(process: ProcessContext) -> None:
        process.state["payments"] = bootstrap(process.engine, mock_gateway(settings))

    return create_app(
        title="Shopkeeper payment",
        description="Payments of orders through a mock gateway, and their refunds.",
        settings=settings,
        routers=[router],
        public_prefix=public_prefix("payment"),
        lifespan_hooks=[wire],
    )


def main() -> int:
    return run_api(create_payment_app(PaymentSettings(service_name="payment-api")))


if __name__ == "__main__":
    sys.exit(main())
