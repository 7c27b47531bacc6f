"""Facts the catalog publishes; the unit of work writes them to the catalog's outbox.

`type` is the envelope's event type (see `shop.topology`); `aggregate_id` is the Kafka key, so
events about one product, or about one order's reservation, stay in order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar
from uuid import UUID


class Event(ABC):
    """Base of the catalog's published events."""

    type: ClassVar[str]
    aggregate_type: ClassVar[str]

    @property
    @abstractmethod
    def aggregate_id(self) -> str:
        """Id of the aggregate the event is about (the Kafka message key)."""


@dataclass(frozen=True)
class ProductEvent(Event):
    """An event about one product; carries the product's state after the change."""

    aggregate_type: ClassVar[str] = "product"

    product_id: UUID
    version: int

    @property
    def aggregate_id(self) -> str:
        return str(self.product_id)


@dataclass(frozen=True, kw_only=True)
class ProductCreated(ProductEvent):
    type: ClassVar[str] = "product.created"

    name: str
    description: str
    category: str
    price: Decimal
    currency: str
    active: bool


@dataclass(frozen=True, kw_only=True)
class ProductUpdated(ProductEvent):
    type: ClassVar[str] = "product.updated"

    name: str
    description: str
    category: str
    price: Decimal
    currency: str
    active: bool


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
class StockLow(Event):
    """Available stock fell to or below the product's low-stock threshold."""

    type: ClassVar[str] = "stock.low"
    aggregate_type: ClassVar[str] = "stock"

    product_id: UUID
    available: int
    threshold: int

    @property
    def aggregate_id(self) -> str:
        return str(self.product_id)


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
class ReservationEvent(Event):
    """A reply to the order saga about one order's reservation (keyed by the order)."""

    aggregate_type: ClassVar[str] = "reservation"

    order_id: UUID

    @property
    def aggregate_id(self) -> str:
        return str(self.order_id)


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
