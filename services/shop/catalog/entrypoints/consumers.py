"""The catalog's inbound events: the saga's stock commands, each read as a catalog command, and
confirmed orders, projected into "bought together".

A payload that does not fit the command, or a command the domain refuses, can never succeed:
it is dead-lettered at once instead of retried.
"""

from __future__ import annotations

from shop.catalog.domain import commands as c
from shop.catalog.domain.order_events import OrderConfirmed
from shop.common.consumer import Inbound, data_as, with_event_id

INBOUND: dict[str, Inbound[c.Command | OrderConfirmed]] = {
    "saga.reserve-stock": data_as(c.ReserveStock),
    "saga.release-stock": data_as(c.ReleaseStock),
    "saga.commit-stock": data_as(c.CommitStock),
    "order.confirmed": with_event_id(OrderConfirmed),
}
