"""What ordering publishes: order events, and the saga's commands to catalog and payment.

All are recorded by the Order aggregate, so keyed by the order id: everything about one order
stays in order on its topic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from shop.common.events import DomainEvent
from shop.ordering.domain.order_terms import OrderLine


@dataclass(frozen=True)
class Outbound(DomainEvent):
    """Base of everything ordering writes to its outbox (recorded by the Order aggregate)."""

    order_id: UUID


@dataclass(frozen=True, kw_only=True)
class OrderEvent(Outbound):
    """An order event carries the order's terms, so consumers need no lookup."""

    customer_id: str
    email: str | None
    lines: tuple[OrderLine, ...]
    total: Decimal
    currency: str


@dataclass(frozen=True, kw_only=True)
class OrderPlaced(OrderEvent):
    type: ClassVar[str] = "order.placed"

    placed_at: datetime


@dataclass(frozen=True, kw_only=True)
class OrderConfirmed(OrderEvent):
    type: ClassVar[str] = "order.confirmed"

    confirmed_at: datetime


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(OrderEvent):
    type: ClassVar[str] = "order.cancelled"

    reason: str
    cancelled_at: datetime


@dataclass(frozen=True)
class StockLine:
    product_id: UUID
    quantity: int


@dataclass(frozen=True, kw_only=True)
class StockCommand(Outbound):
    """A saga command to the catalog about the order's lines."""

    lines: tuple[StockLine, ...]


@dataclass(frozen=True, kw_only=True)
class ReserveStock(StockCommand):
    type: ClassVar[str] = "saga.reserve-stock"


@dataclass(frozen=True, kw_only=True)
class ReleaseStock(StockCommand):
    type: ClassVar[str] = "saga.release-stock"


@dataclass(frozen=True)
class CommitStock(Outbound):
    """The order is paid: its reserved stock is sold."""

    type: ClassVar[str] = "saga.commit-stock"


@dataclass(frozen=True, kw_only=True)
class PaymentCommand(Outbound):
    """A saga command to payment about the order's amount."""

    customer_id: str
    amount: Decimal
    currency: str


@dataclass(frozen=True, kw_only=True)
class RequestPayment(PaymentCommand):
    type: ClassVar[str] = "saga.request-payment"


@dataclass(frozen=True, kw_only=True)
class RefundPayment(PaymentCommand):
    """Refund whatever was charged for the order (nothing, if nothing was)."""

    type: ClassVar[str] = "saga.refund-payment"
