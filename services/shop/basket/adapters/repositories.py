"""Basket repositories: prebuilt plain SQL on the unit of work's asyncpg connection (no
SQLAlchemy on the way: each statement is one round trip, prepared once per connection);
carts are tracked for the outbox.

A cart locked in a transaction remembers its lines as read, so saving it writes only the
lines that changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]

from shop.basket.adapters.tables import SCHEMA
from shop.basket.domain.cart import Cart, Checkout
from shop.basket.domain.products import ProductSnapshot
from shop.common.aggregate import Aggregate

_CARTS, _LINES_TABLE = f"{SCHEMA}.carts", f"{SCHEMA}.cart_lines"
_PRODUCTS_TABLE, _CHECKOUTS = f"{SCHEMA}.products", f"{SCHEMA}.checkouts"
_TOUCH_CART = f"""
INSERT INTO {_CARTS} (customer_id) VALUES ($1)
ON CONFLICT (customer_id) DO UPDATE SET updated_at = now()"""
"""The cart row, created or marked updated, and locked until commit (either way)."""
_LINES = f"SELECT product_id, quantity FROM {_LINES_TABLE} WHERE customer_id = $1 ORDER BY 1"
_CART_AND_LINES = f"""
SELECT l.product_id, l.quantity
FROM {_CARTS} c LEFT JOIN {_LINES_TABLE} l ON l.customer_id = c.customer_id
WHERE c.customer_id = $1
ORDER BY l.product_id"""
_DELETE_LINES = f"DELETE FROM {_LINES_TABLE} WHERE customer_id = $1"
_DELETE_SOME_LINES = f"{_DELETE_LINES} AND product_id = ANY($2::uuid[])"
_UPSERT_LINES = f"""
INSERT INTO {_LINES_TABLE} (customer_id, product_id, quantity)
SELECT $1, * FROM unnest($2::uuid[], $3::int[])
ON CONFLICT (customer_id, product_id) DO UPDATE SET quantity = excluded.quantity"""
"""The changed lines, in one statement."""


class SqlCartRepository:
    def __init__(self, connection: asyncpg.Connection, track: Callable[[Aggregate], None]) -> None:
        self._connection = connection
        self._track = track
        self._stored: dict[str, dict[UUID, int]] = {}
        """Per cart locked in this transaction: its lines as they are stored."""

    async def get(self, customer_id: str) -> Cart | None:
        rows = await self._connection.fetch(_CART_AND_LINES, customer_id)
        if not rows:
            return None
        lines = {row[0]: row[1] for row in rows if row[0] is not None}
        return self._tracked(Cart(customer_id, lines))

    async def lock(self, customer_id: str) -> Cart | None:
        """The cart, locked; created empty first so a new customer's requests serialise too."""
        await self._connection.execute(_TOUCH_CART, customer_id)
        lines = {row[0]: row[1] for row in await self._connection.fetch(_LINES, customer_id)}
        self._stored[customer_id] = dict(lines)
        return self._tracked(Cart(customer_id, lines))

    async def save(self, cart: Cart) -> None:
        self._track(cart)
        customer, execute = cart.customer_id, self._connection.execute
        stored = self._stored.get(customer)
        if stored is None:  # not locked here: write it whole
            await execute(_TOUCH_CART, customer)
            await execute(_DELETE_LINES, customer)
            stored = {}
        removed = [product for product in stored if product not in cart.lines]
        if removed and not cart.lines:
            await execute(_DELETE_LINES, customer)
        elif removed:
            await execute(_DELETE_SOME_LINES, customer, removed)
        changed = [(p, q) for p, q in cart.lines.items() if stored.get(p) != q]
        if changed:
            await execute(_UPSERT_LINES, customer, [p for p, _ in changed], [q for _, q in changed])
        self._stored[customer] = dict(cart.lines)

    def _tracked(self, cart: Cart) -> Cart:
        self._track(cart)
        return cart


_PRODUCT_COLUMNS = "product_id, name, price, currency, active, version"
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
        return {row[0]: ProductSnapshot(*row) for row in found}

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
