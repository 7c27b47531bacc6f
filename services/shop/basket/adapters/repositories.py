"""Basket repositories over SQLAlchemy Core; carts are tracked for the outbox."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from uuid import UUID

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shop.basket.adapters.tables import cart_lines, carts, checkouts, products
from shop.basket.domain.cart import Cart, Checkout
from shop.basket.domain.products import ProductSnapshot
from shop.common.aggregate import Aggregate


class SqlCartRepository:
    def __init__(self, session: AsyncConnection, track: Callable[[Aggregate], None]) -> None:
        self._session = session
        self._track = track

    async def get(self, customer_id: str) -> Cart | None:
        exists = await self._session.scalar(
            select(carts.c.customer_id).where(carts.c.customer_id == customer_id)
        )
        return await self._cart(customer_id) if exists else None

    async def lock(self, customer_id: str) -> Cart | None:
        """The cart, locked; created empty first so a new customer's requests serialise too."""
        await self._session.execute(
            insert(carts).values(customer_id=customer_id).on_conflict_do_nothing()
        )
        await self._session.execute(
            select(carts.c.customer_id).where(carts.c.customer_id == customer_id).with_for_update()
        )
        return await self._cart(customer_id)

    async def save(self, cart: Cart) -> None:
        self._track(cart)
        customer = cart.customer_id
        await self._session.execute(
            insert(carts).values(customer_id=customer).on_conflict_do_nothing()
        )
        await self._session.execute(
            update(carts).where(carts.c.customer_id == customer).values(updated_at=func.now())
        )
        await self._session.execute(delete(cart_lines).where(cart_lines.c.customer_id == customer))
        if cart.lines:
            await self._session.execute(
                cart_lines.insert().values(
                    [
                        {"customer_id": customer, "product_id": product, "quantity": quantity}
                        for product, quantity in cart.lines.items()
                    ]
                )
            )

    async def _cart(self, customer_id: str) -> Cart:
        query = (
            select(cart_lines.c.product_id, cart_lines.c.quantity)
            .where(cart_lines.c.customer_id == customer_id)
            .order_by(cart_lines.c.product_id)
        )
        lines = {row.product_id: row.quantity for row in await self._session.execute(query)}
        cart = Cart(customer_id, lines)
        self._track(cart)
        return cart


class SqlProductSnapshotRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self._session = session

    async def get(self, product_id: UUID) -> ProductSnapshot | None:
        return (await self.get_many([product_id])).get(product_id)

    async def get_many(self, product_ids: Iterable[UUID]) -> dict[UUID, ProductSnapshot]:
        query = select(products).where(products.c.product_id.in_(list(product_ids)))
        found = (await self._session.execute(query)).mappings().all()
        return {row["product_id"]: ProductSnapshot(**row) for row in found}

    async def save(self, snapshot: ProductSnapshot) -> None:
        values = {
            "product_id": snapshot.product_id,
            "name": snapshot.name,
            "price": snapshot.price,
            "currency": snapshot.currency,
            "active": snapshot.active,
            "version": snapshot.version,
        }
        statement = insert(products).values(values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["product_id"],
                set_={k: v for k, v in values.items() if k != "product_id"},
                # Never let an older version overwrite a newer one, even under a race.
                where=products.c.version < statement.excluded.version,
            )
        )


class SqlCheckoutRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self._session = session

    async def get(self, customer_id: str, idempotency_key: str) -> Checkout | None:
        query = select(checkouts).where(
            checkouts.c.customer_id == customer_id, checkouts.c.idempotency_key == idempotency_key
        )
        row = (await self._session.execute(query)).mappings().first()
        return Checkout(**row) if row else None

    async def add(self, checkout: Checkout) -> None:
        await self._session.execute(
            checkouts.insert().values(
                customer_id=checkout.customer_id,
                idempotency_key=checkout.idempotency_key,
                order_id=checkout.order_id,
                checked_out_at=checkout.checked_out_at,
            )
        )
