"""An in-memory basket unit of work."""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType
from typing import Self
from uuid import UUID

from shop.basket.domain.cart import Cart, Checkout
from shop.basket.domain.products import ProductSnapshot
from shop.common.events import DomainEvent


class FakeCarts:
    def __init__(self) -> None:
        self.rows: dict[str, Cart] = {}

    async def get(self, customer_id: str) -> Cart | None:
        return self.rows.get(customer_id)

    async def lock(self, customer_id: str) -> Cart | None:
        return self.rows.get(customer_id)

    async def save(self, cart: Cart) -> None:
        self.rows[cart.customer_id] = cart


class FakeProducts:
    def __init__(self) -> None:
        self.rows: dict[UUID, ProductSnapshot] = {}

    async def get(self, product_id: UUID) -> ProductSnapshot | None:
        return self.rows.get(product_id)

    async def get_many(self, product_ids: Iterable[UUID]) -> dict[UUID, ProductSnapshot]:
        return {pid: self.rows[pid] for pid in product_ids if pid in self.rows}

    async def save(self, snapshot: ProductSnapshot) -> None:
        self.rows[snapshot.product_id] = snapshot


class FakeCheckouts:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Checkout] = {}

    async def get(self, customer_id: str, idempotency_key: str) -> Checkout | None:
        return self.rows.get((customer_id, idempotency_key))

    async def add(self, checkout: Checkout) -> None:
        self.rows[(checkout.customer_id, checkout.idempotency_key)] = checkout


class FakeBasketUnitOfWork:
    def __init__(self) -> None:
        self.carts = FakeCarts()
        self.products = FakeProducts()
        self.checkouts = FakeCheckouts()
        self.published: list[DomainEvent] = []

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        for cart in self.carts.rows.values():
            self.published += [recorded.event for recorded in cart.drain_events()]
