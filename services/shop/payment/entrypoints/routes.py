"""The payment of an order over HTTP: reads through `adapters.queries`."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from shop.common.auth.dependencies import CustomerDep, ensure_owner
from shop.common.openapi import problem_responses
from shop.payment.adapters import queries
from shop.payment.bootstrap import Payments
from shop.payment.domain.errors import PaymentNotFoundError
from shop.payment.entrypoints.schemas import PaymentOut

router = APIRouter(prefix="/payments", tags=["payments"])


async def get_payments(request: Request) -> Payments:
    payments: Payments = request.app.state.process.state["payments"]
    return payments


PaymentsDep = Annotated[Payments, Depends(get_payments)]


@router.get("/{order_id}", responses=problem_responses(404))
async def get_payment(order_id: UUID, payments: PaymentsDep, caller: CustomerDep) -> PaymentOut:
    """The payment of an order (each order is charged at most once)."""
    async with payments.sessions() as session:
        found = await queries.get_payment(session, order_id)
    if found is None or not ensure_owner(caller, found["customer_id"]):
        raise PaymentNotFoundError(order_id)
    return PaymentOut.model_validate(found)
