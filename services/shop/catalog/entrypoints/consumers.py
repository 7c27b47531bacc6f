"""The catalog's inbound events: the saga's stock commands, each read as a catalog command, and
confirmed orders, projected into "bought together".

A payload that does not fit the command, or a command the domain refuses, can never succeed:
it is dead-lettered at once instead of retried. A chunk of them first locks what they all will
(`CHUNK_LOCKS`), so the worker's concurrent chunks queue on shared stock rows, never deadlock.
"""

from __future__ import annotations

from shop.catalog.domain import commands as c
from shop.catalog.domain.order_events import OrderConfirmed
from shop.catalog.service_layer.chunk_locks import lock_chunk
from shop.common.consumer import Inbound, chunk_preparer, data_as, with_event_id

INBOUND: dict[str, Inbound[c.Command | OrderConfirmed]] = {
    "saga.reserve-stock": data_as(c.ReserveStock),
    "saga.release-stock": data_as(c.ReleaseStock),
    "saga.commit-stock": data_as(c.CommitStock),
    "order.confirmed": with_event_id(OrderConfirmed),
}

CHUNK_LOCKS = chunk_preparer(INBOUND, lock_chunk)
"""Before a chunk's first message: the locks of every message of it (`chunk_locks`)."""
