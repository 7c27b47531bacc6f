"""What the basket hears from the catalog (product events), translated into its own terms."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from shop.basket.domain.products import ProductSnapshot


@dataclass(frozen=True)
class ProductAnnounced:
    """product.created or product.updated: the product's whole state."""

    snapshot: ProductSnapshot


@dataclass(frozen=True)
class PriceChanged:
    product_id: UUID
    version: int
    price: Decimal
    currency: str


@dataclass(frozen=True)
class ProductWithdrawn:
    """product.deactivated."""

    product_id: UUID
    version: int


CatalogEvent = ProductAnnounced | PriceChanged | ProductWithdrawn
