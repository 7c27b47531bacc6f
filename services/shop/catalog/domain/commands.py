"""What the catalog is asked to do: from its API, and the saga's stock commands from Kafka."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from shop.catalog.domain.events import StockLine


@dataclass(frozen=True)
class CreateCategory:
    slug: str
    name: str


@dataclass(frozen=True)
class CreateProduct:
    name: str
    description: str
    category: str
    price: Decimal
    currency: str
    initial_stock: int = 0
    low_stock_threshold: int = 0


@dataclass(frozen=True)
class UpdateProduct:
    product_id: UUID
    name: str
    description: str
    category: str


@dataclass(frozen=True)
class ChangePrice:
    product_id: UUID
    price: Decimal
    currency: str


@dataclass(frozen=True)
class DeactivateProduct:
    product_id: UUID


@dataclass(frozen=True)
class ReceiveStock:
    product_id: UUID
    quantity: int


@dataclass(frozen=True)
class CountStock:
    """Set the units on hand after counting them."""

    product_id: UUID
    on_hand: int


@dataclass(frozen=True)
class SetLowStockThreshold:
    product_id: UUID
    threshold: int


@dataclass(frozen=True)
class ReserveStock:
    order_id: UUID
    lines: tuple[StockLine, ...]


@dataclass(frozen=True)
class ReleaseStock:
    order_id: UUID
    lines: tuple[StockLine, ...]


@dataclass(frozen=True)
class CommitStock:
    order_id: UUID


@dataclass(frozen=True)
class EmbedProducts:
    """Embed up to `limit` products that have no vector of the current model (the backfill)."""

    limit: int


Command = (
    CreateCategory
    | CreateProduct
    | UpdateProduct
    | ChangePrice
    | DeactivateProduct
    | ReceiveStock
    | CountStock
    | SetLowStockThreshold
    | ReserveStock
    | ReleaseStock
    | CommitStock
    | EmbedProducts
)
