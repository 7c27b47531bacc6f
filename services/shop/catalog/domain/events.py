"""Facts the catalog publishes; the unit of work writes them to the catalog's outbox.

`type` is the envelope's event type (see `shop.topology`). The aggregate that records an event
gives its Kafka key: product events by product, stock.low by product, reservation replies by
order, so each stays in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from shop.common.events import DomainEvent


@dataclass(frozen=True)
class ProductEvent(DomainEvent):
    """An event about one product; `product_version` counts its changes."""

    product_id: UUID
    product_version: int


@dataclass(frozen=True, kw_only=True)
class ProductStateEvent(ProductEvent):
    """Carries the product's whole state, so a consumer can keep a copy without a lookup."""

    name: str
    description: str
    category: str
    price: Decimal
    currency: str
    active: bool


@dataclass(frozen=True, kw_only=True)
class ProductCreated(ProductStateEvent):
    type: ClassVar[str] = "product.created"


@dataclass(frozen=True, kw_only=True)
class ProductUpdated(ProductStateEvent):
    type: ClassVar[str] = "product.updated"


@dataclass(frozen=True, kw_only=True)
class ProductPriceChanged(ProductEvent):
    type: ClassVar[str] = "product.price-changed"

    price: Decimal
    currency: str
    previous_price: Decimal
    previous_currency: str


@dataclass(frozen=True, kw_only=True)
class ProductDeactivated(ProductEvent):
    type: ClassVar[str] = "product.deactivated"


@dataclass(frozen=True)
class StockLow(DomainEvent):
    """Available stock fell to or below the product's low-stock threshold."""

    type: ClassVar[str] = "stock.low"

    product_id: UUID
    available: int
    threshold: int


@dataclass(frozen=True)
class StockLine:
    product_id: UUID
    quantity: int


@dataclass(frozen=True)
class Shortage:
    """Why one line of an order could not be reserved."""

    product_id: UUID
    requested: int
    available: int
    reason: str


@dataclass(frozen=True)
class ReservationEvent(DomainEvent):
    """A reply to the order saga about one order's reservation (keyed by the order)."""

    order_id: UUID


@dataclass(frozen=True, kw_only=True)
class StockReserved(ReservationEvent):
    type: ClassVar[str] = "stock.reserved"

    lines: tuple[StockLine, ...]


@dataclass(frozen=True, kw_only=True)
class StockReservationFailed(ReservationEvent):
    type: ClassVar[str] = "stock.reservation-failed"

    reason: str
    shortages: tuple[Shortage, ...]


@dataclass(frozen=True, kw_only=True)
class StockReleased(ReservationEvent):
    type: ClassVar[str] = "stock.released"

    lines: tuple[StockLine, ...]
