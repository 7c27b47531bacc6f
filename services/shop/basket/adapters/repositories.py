"""Basket repositories: prebuilt plain SQL on the unit of work's asyncpg connection (no
SQLAlchemy on the way: each statement is one round trip, prepared once per connection);
carts are tracked for the outbox.

A cart's lines are in its row: the statement that locks a cart reads its lines and the
products a change needs; a cart locked in a transaction remembers its lines as read, so
saving it writes them only if they changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]

from shop.basket.adapters.tables import SCHEMA
from shop.basket.domain.cart import Cart, Checkout
from shop.basket.domain.products import ProductSnapshot
from shop.common.aggregate import Aggregate

_CARTS, _PRODUCTS_TABLE = f"{SCHEMA}.carts", f"{SCHEMA}.products"
_CHECKOUTS = f"{SCHEMA}.checkouts"
_PRODUCT_COLUMNS = "product_id, name, price, currency, active, version"
_LOCK_WITH_PRODUCTS = f"""
WITH cart AS (
    INSERT INTO {_CARTS} AS c (customer_id) VALUES ($1)
    ON CONFLICT (customer_id) DO UPDATE SET updated_at = now()
    RETURNING c.lines)
SELECT cart.lines::text, {", ".join(f"p.{column}" for column in _PRODUCT_COLUMNS.split(", "))}
FROM cart LEFT JOIN {_PRODUCTS_TABLE} p
    ON p.product_id = ANY(ARRAY(SELECT jsonb_object_keys(cart.lines)::uuid) || $2::uuid[])"""
"""The cart row, created or marked updated and locked until commit (either way), with its
lines as the lock leaves them (the upsert returns the latest row) and the products of its
lines and of `$2` (from the statement's snapshot: products are no part of the cart)."""
_CART = f"SELECT lines::text FROM {_CARTS} WHERE customer_id = $1"
_WRITE_LINES = f"UPDATE {_CARTS} SET lines = $2::text::jsonb WHERE customer_id = $1"
_SAVE_CART = f"""
INSERT INTO {_CARTS} (customer_id, lines) VALUES ($1, $2::text::jsonb)
ON CONFLICT (customer_id) DO UPDATE SET lines = excluded.lines, updated_at = now()"""


def _lines(stored: str) -> dict[UUID, int]:
    return {UUID(product): quantity for product, quantity in json.loads(stored).items()}


def _stored(lines: dict[UUID, int]) -> str:
    return json.dumps({str(product): quantity for product, quantity in lines.items()})


def _snapshot(row: Sequence[Any]) -> ProductSnapshot:
    return ProductSnapshot(*row)


class SqlCartRepository:
    def __init__(self, connection: asyncpg.Connection, track: Callable[[Aggregate], None]) -> None:
        self._connection = connection
        self._track = track
        self._stored: dict[str, dict[UUID, int]] = {}
        """Per cart locked in this transaction: its lines as they are stored."""

    async def get(self, customer_id: str) -> Cart | None:
        stored = await self._connection.fetchval(_CART, customer_id)
        return None if stored is None else self._tracked(Cart(customer_id, _lines(stored)))

    async def lock(self, customer_id: str) -> Cart | None:
        return (await self.lock_with_products(customer_id, ()))[0]

    async def lock_with_products(
        self, customer_id: str, also: Iterable[UUID]
    ) -> tuple[Cart, dict[UUID, ProductSnapshot]]:
        """The cart, locked (created empty first so a new customer's requests serialise
        too), and the products of its lines and of `also`: one round trip."""
        rows = await self._connection.fetch(_LOCK_WITH_PRODUCTS, customer_id, list(also))
        lines = _lines(rows[0][0])
        self._stored[customer_id] = dict(lines)
        products = {row[1]: _snapshot(row[1:]) for row in rows if row[1] is not None}
        return self._tracked(Cart(customer_id, lines)), products

    async def save(self, cart: Cart) -> None:
        self._track(cart)
        customer = cart.customer_id
        stored = self._stored.get(customer)
        if stored is None:  # not locked here
            await self._connection.execute(_SAVE_CART, customer, _stored(cart.lines))
        elif stored != cart.lines:
            await self._connection.execute(_WRITE_LINES, customer, _stored(cart.lines))
        self._stored[customer] = dict(cart.lines)

    def _tracked(self, cart: Cart) -> Cart:
        self._track(cart)
        return cart


_PRODUCTS = f"SELECT {_PRODUCT_COLUMNS} FROM {_PRODUCTS_TABLE} WHERE product_id = ANY($1::uuid[])"
_SAVE_PRODUCT = f"""
INSERT INTO {_PRODUCTS_TABLE} ({_PRODUCT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (product_id) DO UPDATE SET
    name = excluded.name, price = excluded.price, currency = excluded.currency,
    active = excluded.active, version = excluded.version
WHERE {_PRODUCTS_TABLE}.version < excluded.version"""
"""Never lets an older version overwrite a newer one, even under a race."""


class SqlProductSnapshotRepository:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def get(self, product_id: UUID) -> ProductSnapshot | None:
        return (await self.get_many([product_id])).get(product_id)

    async def get_many(self, product_ids: Iterable[UUID]) -> dict[UUID, ProductSnapshot]:
        wanted = list(product_ids)
        if not wanted:
            return {}
        found = await self._connection.fetch(_PRODUCTS, wanted)
        return {row[0]: _snapshot(row) for row in found}

    async def save(self, snapshot: ProductSnapshot) -> None:
        await self._connection.execute(
            _SAVE_PRODUCT,
            snapshot.product_id,
            snapshot.name,
            snapshot.price,
            snapshot.currency,
            snapshot.active,
            snapshot.version,
        )


_CHECKOUT = f"""
SELECT customer_id, idempotency_key, order_id, checked_out_at FROM {_CHECKOUTS}
WHERE customer_id = $1 AND idempotency_key = $2"""
_ADD_CHECKOUT = f"""
INSERT INTO {_CHECKOUTS} (customer_id, idempotency_key, order_id, checked_out_at)
VALUES ($1, $2, $3, $4)"""


class SqlCheckoutRepository:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def get(self, customer_id: str, idempotency_key: str) -> Checkout | None:
        row = await self._connection.fetchrow(_CHECKOUT, customer_id, idempotency_key)
        return Checkout(*row) if row else None

    async def add(self, checkout: Checkout) -> None:
        await self._connection.execute(
            _ADD_CHECKOUT,
            checkout.customer_id,
            checkout.idempotency_key,
            checkout.order_id,
            checkout.checked_out_at,
        )
