"""The order events the catalog projects, as far as the catalog needs them."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class OrderedLine:
    product_id: UUID
    quantity: int


@dataclass(frozen=True)
class OrderConfirmed:
    """An order was confirmed (paid, its stock committed): its products were bought together."""

    event_id: UUID
    order_id: UUID
    lines: tuple[OrderedLine, ...]
