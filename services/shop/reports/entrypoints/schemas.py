"""The reports API's response bodies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field


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
