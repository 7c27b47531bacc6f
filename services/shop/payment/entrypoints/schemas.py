"""The payment API's response bodies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field


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
