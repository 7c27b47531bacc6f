"""A customer's cart: lines of products and quantities, priced at view and checkout time."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from shop.basket.domain.cart_view import CartView, price_cart
from shop.basket.domain.errors import (
    EmptyCartError,
    InvalidCartError,
    LineNotFoundError,
    MixedCurrenciesError,
    ProductUnavailableError,
    UnknownProductError,
)
from shop.basket.domain.events import BasketCheckedOut, OrderLine
from shop.basket.domain.products import ProductSnapshot
from shop.common.aggregate import Aggregate

MAX_LINE_QUANTITY = 99
_CUSTOMER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@:+-]{0,127}$")
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_customer_id(customer_id: str) -> str:
    if not _CUSTOMER_ID.match(customer_id):
        raise InvalidCartError(
            "customer id must be 1-128 letters, digits or . _ @ : + - (starting alphanumeric)"
        )
    return customer_id


def check_idempotency_key(key: str) -> str:
    if not _IDEMPOTENCY_KEY.match(key):
        raise InvalidCartError("idempotency key must be 1-128 printable ASCII characters")
    return key


def _check_quantity(quantity: int) -> int:
    if isinstance(quantity, bool) or not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise InvalidCartError(f"quantity must be between 1 and {MAX_LINE_QUANTITY}")
    return quantity


@dataclass(frozen=True)
class Checkout:
    """The outcome of one checkout request: repeating its key returns the same order."""

    customer_id: str
    idempotency_key: str
    order_id: UUID
    checked_out_at: datetime


@dataclass(eq=False)
class Cart(Aggregate):
    """Quantities per product for one customer."""

    aggregate_type: ClassVar[str] = "cart"

    customer_id: str
    lines: dict[UUID, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_customer_id(self.customer_id)

    @property
    def aggregate_id(self) -> str:
        return self.customer_id

    def add(self, product: ProductSnapshot | None, product_id: UUID, quantity: int) -> None:
        """Add units of a product on sale; adding a product already in the cart adds up."""
        _check_quantity(quantity)
        if product is None:
            raise UnknownProductError(product_id)
        if not product.active:
            raise ProductUnavailableError([product_id])
        self.lines[product_id] = _check_quantity(self.lines.get(product_id, 0) + quantity)

    def change_quantity(self, product_id: UUID, quantity: int) -> None:
        self._require_line(product_id)
        self.lines[product_id] = _check_quantity(quantity)

    def remove(self, product_id: UUID) -> None:
        self._require_line(product_id)
        del self.lines[product_id]

    def view(self, products: Mapping[UUID, ProductSnapshot]) -> CartView:
        return price_cart(self.customer_id, self.lines, products)

    def checkout(
        self,
        *,
        order_id: UUID,
        idempotency_key: str,
        products: Mapping[UUID, ProductSnapshot],
        email: str | None,
        now: datetime,
    ) -> Checkout:
        """Turn the cart into order `order_id` at current prices and empty it."""
        check_idempotency_key(idempotency_key)
        if email is not None and not _EMAIL.match(email):
            raise InvalidCartError(f"{email!r} is not an e-mail address")
        if not self.lines:
            raise EmptyCartError()
        view = self.view(products)
        unavailable = [line.product_id for line in view.lines if not line.available]
        if unavailable:
            raise ProductUnavailableError(unavailable)
        if len(view.totals) != 1:
            raise MixedCurrenciesError(view.totals)
        ((currency, total),) = view.totals.items()
        lines = tuple(
            OrderLine(line.product_id, line.name, line.quantity, line.unit_price)
            for line in view.lines
        )
        self.record(
            BasketCheckedOut(order_id, self.customer_id, email, lines, total, currency, now)
        )
        self.lines.clear()
        return Checkout(self.customer_id, idempotency_key, order_id, now)

    def _require_line(self, product_id: UUID) -> None:
        if product_id not in self.lines:
            raise LineNotFoundError(product_id)
