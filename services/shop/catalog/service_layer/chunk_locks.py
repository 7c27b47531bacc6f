"""What a chunk of the worker's messages locks before its first one (ADR 0062).

Every saga order reserves stock of the same few products, and a chunk holds what its messages
lock until it commits: two chunks of different partitions whose messages took the same stock
rows in opposite orders deadlocked. So a chunk first takes every lock its handlers will take,
each kind in one statement sorted the same way for everyone: the orders' locks (the
reservations' `lock`), then the stock rows of the commands' lines, of the orders' reserved lines
(a commit names none) and of confirmed orders' products (whose rows serialise the writers of
their "bought together" counts, `recommendation_handlers`). The handlers then take locks
this transaction already holds, or rows of its own orders only.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from shop.catalog.domain import commands as c
from shop.catalog.domain.order_events import OrderConfirmed
from shop.catalog.service_layer.unit_of_work import CatalogUnitOfWork


async def lock_chunk(
    messages: Sequence[c.Command | OrderConfirmed], uow: CatalogUnitOfWork
) -> None:
    """Lock what the handlers of `messages` will lock: their orders, then their stock rows."""
    orders: set[UUID] = set()
    products: set[UUID] = set()
    for message in messages:
        if isinstance(message, c.ReserveStock | c.ReleaseStock):
            orders.add(message.order_id)
            products.update(line.product_id for line in message.lines)
        elif isinstance(message, c.CommitStock):
            orders.add(message.order_id)
        elif isinstance(message, OrderConfirmed):
            products.update(line.product_id for line in message.lines)
    await uow.reservations.lock_orders(orders)
    if orders or products:
        await uow.stock.hold(products, reserved_by=orders)
