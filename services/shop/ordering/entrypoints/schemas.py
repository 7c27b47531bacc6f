"""The ordering API's response bodies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field


class OrderLineOut(BaseModel):
    product_id: UUID
    name: str
    quantity: int
    unit_price: Decimal


class HistoryEntryOut(BaseModel):
    sequence: int
    kind: str = Field(examples=["stock-reserved"])
    status: str = Field(examples=["STOCK_RESERVED"])
    detail: str | None = None
    cause_event_id: UUID = Field(description="The event (or timer tick) that caused the entry")
    at: datetime


class OrderSummary(BaseModel):
    id: UUID
    customer_id: str
    email: str | None
    lines: list[OrderLineOut]
    total: Decimal = Field(examples=["23.00"])
    currency: str = Field(examples=["EUR"])
    status: str = Field(examples=["CONFIRMED"])
    cancel_reason: str | None = Field(None, examples=[None, "out-of-stock"])
    awaiting: list[str] = Field(description="Compensations sent and not yet acknowledged")
    placed_at: datetime
    updated_at: datetime


class RiskReasonOut(BaseModel):
    rule: str = Field(examples=["velocity"])
    points: int = Field(examples=[40])
    detail: str = Field(examples=["12 orders in the last 10 min (limit 10)"])


class RiskOut(BaseModel):
    """The order's fraud score as placed: the sum of the points of the rules that fired."""

    score: int = Field(examples=[85])
    threshold: int = Field(examples=[80], description="A score at or above it is suspected")
    reasons: list[RiskReasonOut]


class OrderOut(OrderSummary):
    history: list[HistoryEntryOut]
    risk: RiskOut | None = Field(
        None, description="Staff only (null for customers, and for orders placed unscored)"
    )

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> OrderOut:
        return cls.model_validate(row)


class OrderPage(BaseModel):
    items: list[OrderSummary]
    total: int
    limit: int
    offset: int
