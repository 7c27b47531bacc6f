"""Basket repositories: SQLAlchemy Core statements built once as plain SQL and run on the unit
of work's asyncpg connection (`shop.common.plain_sql`, ADR 0056); carts are tracked for the
outbox.

A cart's lines are in its row: the statement that locks a cart reads its lines and the
products a change needs; a cart locked in a transaction remembers its lines as read, so
saving it writes them only if they changed. A checkout is recorded by the statement that saves
the cart it emptied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import Uuid, any_, bindparam, cast, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY, insert

from shop.basket.adapters.tables import carts, checkouts, products
from shop.basket.domain.cart import Cart, Checkout
from shop.basket.domain.products import ProductSnapshot
from shop.common.aggregate import Aggregate
from shop.common.plain_sql import PlainSql, bound

_CUSTOMER = bindparam("customer_id", type_=carts.c.customer_id.type)
_locked = (
    insert(carts)
    .values(customer_id=_CUSTOMER)
    .on_conflict_do_update(index_elements=[carts.c.customer_id], set_={"updated_at": func.now()})
    .returning(carts.c.lines)
    .cte("cart")
)
_wanted = func.array_cat(
    func.ARRAY(select(cast(func.jsonb_object_keys(_locked.c.lines), Uuid)).scalar_subquery()),
    bindparam("also", type_=ARRAY(Uuid)),
)
_LOCK_WITH_PRODUCTS = PlainSql(
    select(_locked.c.lines, *products.c).select_from(
        _locked.outerjoin(products, products.c.product_id == any_(_wanted))
    )
)
"""The cart row, created or marked updated and locked until commit (either way), with its
lines as the lock leaves them (the upsert returns the latest row) and the products of its
lines and of `also` (from the statement's snapshot: products are no part of the cart)."""
_CART = PlainSql(select(carts.c.lines).where(carts.c.customer_id == _CUSTOMER))
_WRITE_LINES = PlainSql(
    update(carts).where(carts.c.customer_id == _CUSTOMER).values(bound(carts, "lines"))
)
_new_cart = insert(carts).values(bound(carts, "customer_id", "lines"))
_upsert_cart = _new_cart.on_conflict_do_update(
    index_elements=[carts.c.customer_id],
    set_={"lines": _new_cart.excluded.lines, "updated_at": func.now()},
)
_SAVE_CART = PlainSql(_upsert_cart)
_CHECKOUT_COLUMNS = ("customer_id", "idempotency_key", "order_id", "checked_out_at")
_CHECKED_OUT = PlainSql(
    _upsert_cart.add_cte(
        checkouts.insert()
        .values(
            {
                "customer_id": _CUSTOMER,
                **bound(checkouts, *_CHECKOUT_COLUMNS[1:]),
            }
        )
        .cte("checkout")
    )
)
"""The cart saved with the checkout it became, one statement (`WITH checkout AS (INSERT ...)
INSERT INTO carts ... ON CONFLICT DO UPDATE`)."""


def _lines(stored: Mapping[str, int]) -> dict[UUID, int]:
    return {UUID(product): quantity for product, quantity in stored.items()}


def _stored(lines: Mapping[UUID, int]) -> dict[str, int]:
    return {str(product): quantity for product, quantity in lines.items()}


def _snapshot(row: Sequence[Any]) -> ProductSnapshot:
    return ProductSnapshot(*row)


class SqlCartRepository:
    def __init__(self, connection: asyncpg.Connection, track: Callable[[Aggregate], None]) -> None:
        self._connection = connection
        self._track = track
        self._stored: dict[str, dict[UUID, int]] = {}
        """Per cart locked in this transaction: its lines as they are stored."""

    async def get(self, customer_id: str) -> Cart | None:
        stored = await _CART.fetchval(self._connection, {"customer_id": customer_id})
        return None if stored is None else self._tracked(Cart(customer_id, _lines(stored)))

    async def lock(self, customer_id: str) -> Cart | None:
        return (await self.lock_with_products(customer_id, ()))[0]

    async def lock_with_products(
        self, customer_id: str, also: Iterable[UUID]
    ) -> tuple[Cart, dict[UUID, ProductSnapshot]]:
        """The cart, locked (created empty first so a new customer's requests serialise
        too), and the products of its lines and of `also`: one round trip."""
        parameters = {"customer_id": customer_id, "also": list(also)}
        rows = await _LOCK_WITH_PRODUCTS.fetch(self._connection, parameters)
        lines = _lines(rows[0][0])
        self._stored[customer_id] = dict(lines)
        products = {row[1]: _snapshot(row[1:]) for row in rows if row[1] is not None}
        return self._tracked(Cart(customer_id, lines)), products

    async def save(self, cart: Cart, *, checked_out: Checkout | None = None) -> None:
        self._track(cart)
        customer = cart.customer_id
        stored = self._stored.get(customer)
        parameters: dict[str, object] = {"customer_id": customer, "lines": _stored(cart.lines)}
        if checked_out is not None:
            if checked_out.customer_id != customer:
                raise ValueError("a checkout is saved with its own customer's cart")
            parameters.update((name, getattr(checked_out, name)) for name in _CHECKOUT_COLUMNS[1:])
            await _CHECKED_OUT.execute(self._connection, parameters)
        elif stored is None:  # not locked here
            await _SAVE_CART.execute(self._connection, parameters)
        elif stored != cart.lines:
            await _WRITE_LINES.execute(self._connection, parameters)
        self._stored[customer] = dict(cart.lines)

    def _tracked(self, cart: Cart) -> Cart:
        self._track(cart)
        return cart


_PRODUCT_COLUMNS = tuple(column.name for column in products.c)
_PRODUCTS = PlainSql(
    select(products).where(
        products.c.product_id == any_(bindparam("product_ids", type_=ARRAY(Uuid)))
    )
)
_new_product = insert(products).values(bound(products, *_PRODUCT_COLUMNS))
_SAVE_PRODUCT = PlainSql(
    _new_product.on_conflict_do_update(
        index_elements=[products.c.product_id],
        set_={name: _new_product.excluded[name] for name in _PRODUCT_COLUMNS[1:]},
        # Never let an older version overwrite a newer one, even under a race.
        where=products.c.version < _new_product.excluded.version,
    )
)


class SqlProductSnapshotRepository:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def get(self, product_id: UUID) -> ProductSnapshot | None:
        return (await self.get_many([product_id])).get(product_id)

    async def get_many(self, product_ids: Iterable[UUID]) -> dict[UUID, ProductSnapshot]:
        wanted = list(product_ids)
        if not wanted:
            return {}
        found = await _PRODUCTS.fetch(self._connection, {"product_ids": wanted})
        return {row[0]: _snapshot(row) for row in found}

    async def save(self, snapshot: ProductSnapshot) -> None:
        await _SAVE_PRODUCT.execute(
            self._connection, {name: getattr(snapshot, name) for name in _PRODUCT_COLUMNS}
        )


_CHECKOUT = PlainSql(
    select(*(checkouts.c[name] for name in _CHECKOUT_COLUMNS)).where(
        checkouts.c.customer_id == _CUSTOMER,
        checkouts.c.idempotency_key == bindparam("idempotency_key"),
    )
)


class SqlCheckoutRepository:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def get(self, customer_id: str, idempotency_key: str) -> Checkout | None:
        parameters = {"customer_id": customer_id, "idempotency_key": idempotency_key}
        row = await _CHECKOUT.fetchrow(self._connection, parameters)
        return Checkout(*row) if row else None
