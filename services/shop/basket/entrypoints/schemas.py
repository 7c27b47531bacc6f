"""The basket API's request and response bodies."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shop.basket.domain.cart import MAX_LINE_QUANTITY
from shop.basket.domain.cart_view import CartView

Quantity = Annotated[int, Field(ge=1, le=MAX_LINE_QUANTITY, examples=[2])]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LineIn(Body):
    product_id: UUID
    quantity: Quantity


class QuantityIn(Body):
    quantity: Quantity


class CheckoutIn(Body):
    email: str | None = Field(
        None,
        max_length=254,
        examples=["alice@example.com"],
        description="Where order notifications go (optional)",
    )


class LineOut(BaseModel):
    product_id: UUID
    name: str
    quantity: int
    unit_price: Decimal
    currency: str
    line_total: Decimal
    available: bool = Field(description="False once the catalog took the product off sale")


class CartOut(BaseModel):
    customer_id: str
    lines: list[LineOut]
    totals: dict[str, Decimal] = Field(
        examples=[{"EUR": "23.00"}], description="Per currency, over lines still on sale"
    )

    @classmethod
    def of(cls, view: CartView) -> CartOut:
        lines = [LineOut.model_validate(line, from_attributes=True) for line in view.lines]
        return cls(customer_id=view.customer_id, lines=lines, totals=view.totals)


class CheckoutOut(BaseModel):
    order_id: UUID
    order_url: str = Field(
        examples=["/ordering/orders/0196a5b4-..."], description="Follow the order here"
    )
