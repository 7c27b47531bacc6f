""" "Bought together": which products confirmed orders held together, as ordered pairs.

Each pair is counted once per order, whatever the quantities, in both directions, so that the
products bought with one product are the pairs that start with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from shop.catalog.domain.order_events import OrderedLine

MAX_PAIRED_PRODUCTS = 50
"""Of a larger order only the first 50 products (by id) are paired: at most 50 * 49 pairs."""


def pairs_bought_together(lines: Iterable[OrderedLine]) -> list[tuple[UUID, UUID]]:
    """Every ordered pair (a, b), a != b, of the distinct products of one order's lines."""
    products = sorted({line.product_id for line in lines if line.quantity > 0})
    kept = products[:MAX_PAIRED_PRODUCTS]
    return [(a, b) for a in kept for b in kept if a != b]
