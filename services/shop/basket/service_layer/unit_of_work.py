"""The basket's ports: repositories and the unit of work that holds them (handlers never commit)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol
from uuid import UUID

from shop.basket.domain.cart import Cart, Checkout
from shop.basket.domain.products import ProductSnapshot
from shop.common.uow_port import UnitOfWorkPort


class CartRepository(Protocol):
    async def get(self, customer_id: str) -> Cart | None: ...

    async def lock(self, customer_id: str) -> Cart | None:
        """The customer's cart, locked until commit (checkouts of one customer serialise)."""
        ...

    async def lock_with_products(
        self, customer_id: str, also: Iterable[UUID]
    ) -> tuple[Cart | None, dict[UUID, ProductSnapshot]]:
        """`lock`, with the products of the cart's lines and of `also` (what a cart change
        needs to price the cart it leaves)."""
        ...

    async def save(self, cart: Cart, *, checked_out: Checkout | None = None) -> None:
        """Insert or update the cart and its lines; with `checked_out`, record the checkout
        the cart became (with it: one is never kept without the other)."""
        ...


class ProductSnapshotRepository(Protocol):
    async def get(self, product_id: UUID) -> ProductSnapshot | None: ...

    async def get_many(self, product_ids: Iterable[UUID]) -> dict[UUID, ProductSnapshot]: ...

    async def save(self, snapshot: ProductSnapshot) -> None: ...


class CheckoutRepository(Protocol):
    async def get(self, customer_id: str, idempotency_key: str) -> Checkout | None:
        """The checkout made with this key (recorded by `CartRepository.save`), if any."""
        ...


class BasketUnitOfWork(UnitOfWorkPort, Protocol):
    @property
    def carts(self) -> CartRepository: ...

    @property
    def products(self) -> ProductSnapshotRepository: ...

    @property
    def checkouts(self) -> CheckoutRepository: ...
