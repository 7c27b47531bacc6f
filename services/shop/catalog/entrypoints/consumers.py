"""The catalog's Kafka handlers: the saga's stock commands, translated into catalog commands.

A payload that does not fit the command, or a command the domain refuses, can never succeed:
it is dead-lettered at once instead of retried.
"""

from __future__ import annotations

from shop.catalog.adapters.unit_of_work import SqlCatalogUnitOfWork
from shop.catalog.domain import commands as c
from shop.catalog.service_layer.messagebus import MessageBus
from shop.common.consumer import EventHandlers, command_routes

SAGA_COMMANDS: dict[str, type[c.ReserveStock | c.ReleaseStock | c.CommitStock]] = {
    "saga.reserve-stock": c.ReserveStock,
    "saga.release-stock": c.ReleaseStock,
    "saga.commit-stock": c.CommitStock,
}


def event_handlers(bus: MessageBus) -> EventHandlers[SqlCatalogUnitOfWork]:
    """Consumer routes by event type, each applying its command in the consumer's transaction."""
    return command_routes(SAGA_COMMANDS, bus.handle_in)
