"""What a chunk of the worker's messages locks before its first one (ADR 0065, after 0062).

A chunk holds what its messages lock until it commits. A confirmation adds the order to its
customer's totals (one row per customer and currency, which the fraud check reads), and the
benchmark's buyers, like a shop's regulars, confirm orders in several partitions at once: two
chunks confirming orders of the same customers in opposite orders deadlocked. So a chunk first
takes every lock its handlers will take, each kind sorted the same way for everyone: the rows
of the orders its replies advance (`advance_saga` locks each), then the totals of the customers
whose orders it may confirm (`saga.CONFIRMING`), as advisory locks, which stand for a row
whether it exists yet or not (a customer's first confirmation inserts it). Checkouts lock
nothing another chunk shares: each inserts a new order, and reads the totals without a lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from shop.ordering.domain import messages as m
from shop.ordering.domain.saga import CONFIRMING
from shop.ordering.service_layer.unit_of_work import OrderingUnitOfWork


async def lock_chunk(messages: Sequence[m.SagaMessage], uow: OrderingUnitOfWork) -> None:
    """Lock what the handlers of `messages` will lock: their orders, then their customers'
    totals where a message may confirm its order."""
    advanced: set[UUID] = set()
    confirming: set[UUID] = set()
    for message in messages:
        if isinstance(message, m.CheckoutReceived):
            continue
        advanced.add(message.order_id)
        if type(message) in CONFIRMING:
            confirming.add(message.order_id)
    if advanced:
        await uow.orders.hold(sorted(advanced), confirming=sorted(confirming))
