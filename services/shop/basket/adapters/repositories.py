"""Basket repositories over SQLAlchemy Core; carts are tracked for the outbox.

The statements are built once. A cart locked in a transaction remembers its lines as read,
so saving it writes only the lines that changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from uuid import UUID

from sqlalchemy import Uuid, any_, bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shop.basket.adapters.tables import cart_lines, carts, checkouts, products
from shop.basket.domain.cart import Cart, Checkout
from shop.basket.domain.products import ProductSnapshot
from shop.common.aggregate import Aggregate

_CUSTOMER = bindparam("customer_id", type_=carts.c.customer_id.type)
_PRODUCT_IDS = bindparam("product_ids", type_=ARRAY(Uuid))
_TOUCH_CART = (
    insert(carts)
    .values(customer_id=_CUSTOMER)
    .on_conflict_do_update(index_elements=[carts.c.customer_id], set_={"updated_at": func.now()})
)
"""The cart row, created or marked updated, and locked until commit (either way)."""
_LINES = (
    select(cart_lines.c.product_id, cart_lines.c.quantity)
    .where(cart_lines.c.customer_id == _CUSTOMER)
    .order_by(cart_lines.c.product_id)
)
_CART_AND_LINES = (
    select(carts.c.customer_id, cart_lines.c.product_id, cart_lines.c.quantity)
    .select_from(carts.outerjoin(cart_lines, cart_lines.c.customer_id == carts.c.customer_id))
    .where(carts.c.customer_id == _CUSTOMER)
    .order_by(cart_lines.c.product_id)
)
_DELETE_LINES = delete(cart_lines).where(cart_lines.c.customer_id == _CUSTOMER)
_DELETE_SOME_LINES = _DELETE_LINES.where(cart_lines.c.product_id == any_(_PRODUCT_IDS))
_lines_insert = insert(cart_lines)
_UPSERT_LINES = _lines_insert.on_conflict_do_update(
    index_elements=[cart_lines.c.customer_id, cart_lines.c.product_id],
    set_={"quantity": _lines_insert.excluded.quantity},
)
"""Executed with a list of lines (one INSERT for them all)."""


class SqlCartRepository:
    def __init__(self, session: AsyncConnection, track: Callable[[Aggregate], None]) -> None:
        self._session = session
        self._track = track
        self._stored: dict[str, dict[UUID, int]] = {}
        """Per cart locked in this transaction: its lines as they are stored."""

    async def get(self, customer_id: str) -> Cart | None:
        params = {"customer_id": customer_id}
        rows = (await self._session.execute(_CART_AND_LINES, params)).all()
        if not rows:
            return None
        lines = {row.product_id: row.quantity for row in rows if row.product_id is not None}
        return self._tracked(Cart(customer_id, lines))

    async def lock(self, customer_id: str) -> Cart | None:
        """The cart, locked; created empty first so a new customer's requests serialise too."""
        params = {"customer_id": customer_id}
        await self._session.execute(_TOUCH_CART, params)
        rows = await self._session.execute(_LINES, params)
        lines = {row.product_id: row.quantity for row in rows}
        self._stored[customer_id] = dict(lines)
        return self._tracked(Cart(customer_id, lines))

    async def save(self, cart: Cart) -> None:
        self._track(cart)
        customer = cart.customer_id
        params = {"customer_id": customer}
        stored = self._stored.get(customer)
        if stored is None:  # not locked here: write it whole
            await self._session.execute(_TOUCH_CART, params)
            await self._session.execute(_DELETE_LINES, params)
            stored = {}
        removed = [product for product in stored if product not in cart.lines]
        if removed and not cart.lines:
            await self._session.execute(_DELETE_LINES, params)
        elif removed:
            await self._session.execute(_DELETE_SOME_LINES, {**params, "product_ids": removed})
        changed = [
            {"customer_id": customer, "product_id": product, "quantity": quantity}
            for product, quantity in cart.lines.items()
            if stored.get(product) != quantity
        ]
        if changed:
            await self._session.execute(_UPSERT_LINES, changed)
        self._stored[customer] = dict(cart.lines)

    def _tracked(self, cart: Cart) -> Cart:
        self._track(cart)
        return cart


_PRODUCTS = select(products).where(products.c.product_id == any_(_PRODUCT_IDS))


class SqlProductSnapshotRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self._session = session

    async def get(self, product_id: UUID) -> ProductSnapshot | None:
        return (await self.get_many([product_id])).get(product_id)

    async def get_many(self, product_ids: Iterable[UUID]) -> dict[UUID, ProductSnapshot]:
        wanted = list(product_ids)
        if not wanted:
            return {}
        params = {"product_ids": wanted}
        found = (await self._session.execute(_PRODUCTS, params)).mappings().all()
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


_CHECKOUT = select(checkouts).where(
    checkouts.c.customer_id == _CUSTOMER,
    checkouts.c.idempotency_key == bindparam("idempotency_key"),
)
_ADD_CHECKOUT = checkouts.insert()


class SqlCheckoutRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self._session = session

    async def get(self, customer_id: str, idempotency_key: str) -> Checkout | None:
        params = {"customer_id": customer_id, "idempotency_key": idempotency_key}
        row = (await self._session.execute(_CHECKOUT, params)).mappings().first()
        return Checkout(**row) if row else None

    async def add(self, checkout: Checkout) -> None:
        await self._session.execute(
            _ADD_CHECKOUT,
            {
                "customer_id": checkout.customer_id,
                "idempotency_key": checkout.idempotency_key,
                "order_id": checkout.order_id,
                "checked_out_at": checkout.checked_out_at,
            },
        )
