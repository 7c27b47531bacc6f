"""An in-memory basket unit of work."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from shop.basket.domain.cart import Cart, Checkout
from shop.basket.domain.products import ProductSnapshot
from support.fakes import FakeRows, FakeUnitOfWork


class FakeProducts(FakeRows[UUID, ProductSnapshot]):
    def __init__(self) -> None:
        super().__init__(key=lambda snapshot: snapshot.product_id)

    async def get_many(self, product_ids: Iterable[UUID]) -> dict[UUID, ProductSnapshot]:
        return {pid: self.rows[pid] for pid in product_ids if pid in self.rows}


class FakeCheckouts:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Checkout] = {}

    async def get(self, customer_id: str, idempotency_key: str) -> Checkout | None:
        return self.rows.get((customer_id, idempotency_key))


class FakeCarts(FakeRows[str, Cart]):
    def __init__(self, products: FakeProducts, checkouts: FakeCheckouts) -> None:
        super().__init__(key=lambda cart: cart.customer_id)
        self._products = products
        self._checkouts = checkouts

    async def save(self, cart: Cart, *, checked_out: Checkout | None = None) -> None:
        await super().save(cart)
        if checked_out is not None:
            key = (checked_out.customer_id, checked_out.idempotency_key)
            self._checkouts.rows[key] = checked_out

    async def lock_with_products(
        self, customer_id: str, also: Iterable[UUID]
    ) -> tuple[Cart | None, dict[UUID, ProductSnapshot]]:
        cart = await self.lock(customer_id)
        wanted = [*(cart.lines if cart else ()), *also]
        return cart, await self._products.get_many(wanted)


class FakeBasketUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.products = FakeProducts()
        self.checkouts = FakeCheckouts()
        self.carts = FakeCarts(self.products, self.checkouts)

    def aggregates(self) -> Iterable[Cart]:
        return self.carts.rows.values()
