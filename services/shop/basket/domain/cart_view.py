"""A cart priced at the catalog's current prices: what the customer sees before checkout."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from shop.basket.domain.products import ProductSnapshot


@dataclass(frozen=True)
class PricedLine:
    product_id: UUID
    name: str
    quantity: int
    unit_price: Decimal
    currency: str
    line_total: Decimal
    available: bool


@dataclass(frozen=True)
class CartView:
    """The cart at current catalog prices; totals per currency over lines still on sale."""

    customer_id: str
    lines: tuple[PricedLine, ...]
    totals: dict[str, Decimal]


def price_cart(
    customer_id: str, lines: Mapping[UUID, int], products: Mapping[UUID, ProductSnapshot]
) -> CartView:
    """Each line at its product's current price; totals per currency over lines on sale."""
    priced = tuple(_price(pid, qty, products.get(pid)) for pid, qty in lines.items())
    totals: dict[str, Decimal] = {}
    for line in priced:
        if line.available:
            totals[line.currency] = totals.get(line.currency, Decimal(0)) + line.line_total
    return CartView(customer_id, priced, totals)


def _price(product_id: UUID, quantity: int, product: ProductSnapshot | None) -> PricedLine:
    if product is None:
        return PricedLine(product_id, "", quantity, Decimal(0), "", Decimal(0), False)
    return PricedLine(
        product_id,
        product.name,
        quantity,
        product.price,
        product.currency,
        product.price * quantity,
        product.active,
    )
