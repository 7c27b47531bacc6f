"""The catalog API's request and response bodies (kept apart from the domain model)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2, examples=["9.50"])]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
Name = Annotated[str, Field(min_length=1, max_length=200, examples=["Stoneware mug"])]
Description = Annotated[str, Field(max_length=5000, examples=["Holds half a litre."])]
Count = Annotated[int, Field(ge=0, le=1_000_000)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CategoryIn(Body):
    slug: Slug = Field(examples=["kitchen"])
    name: Name = Field(examples=["Kitchen"])


class CategoryOut(BaseModel):
    slug: str
    name: str


class ProductIn(Body):
    name: Name
    description: Description = ""
    category: Slug = Field(examples=["kitchen"])
    price: Money
    currency: Currency
    initial_stock: Count = 0
    low_stock_threshold: Count = 0


class ProductUpdate(Body):
    name: Name
    description: Description = ""
    category: Slug = Field(examples=["kitchen"])


class PriceIn(Body):
    price: Money
    currency: Currency


class StockReceipt(Body):
    quantity: Annotated[int, Field(gt=0, le=1_000_000, examples=[24])]


class StockCount(Body):
    on_hand: Count = Field(examples=[40])


class ThresholdIn(Body):
    low_stock_threshold: Count = Field(examples=[5])


class StockOut(BaseModel):
    on_hand: int
    reserved: int
    available: int
    low_stock_threshold: int


class ProductOut(BaseModel):
    id: UUID
    name: str
    description: str
    category: str
    price: Decimal
    currency: str
    active: bool
    version: int
    stock: StockOut

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ProductOut:
        stock = StockOut(
            on_hand=row["on_hand"],
            reserved=row["reserved"],
            available=row["on_hand"] - row["reserved"],
            low_stock_threshold=row["low_stock_threshold"],
        )
        return cls(**{k: row[k] for k in cls.model_fields if k != "stock"}, stock=stock)


class ProductPage(BaseModel):
    items: list[ProductOut]
    total: int = Field(description="Products matching the filter, over all pages")
    limit: int
    offset: int


class BoughtTogetherOut(BaseModel):
    product: ProductOut
    orders: int = Field(description="Confirmed orders that held both products")


class SemanticMatchOut(BaseModel):
    product: ProductOut
    similarity: float = Field(
        description="Cosine similarity of the query's and the product's vectors, -1 to 1"
    )


class SemanticResults(BaseModel):
    query: str
    model: str = Field(description="The embedding model the products were compared by")
    items: list[SemanticMatchOut] = Field(description="Products on sale, nearest first")
