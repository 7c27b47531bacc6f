"""Wires the catalog: the shared bus, with the catalog's handlers, over SQL units of work, and
read sessions for queries."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from shop.catalog.adapters.unit_of_work import SqlCatalogUnitOfWork
from shop.catalog.service_layer.handlers import COMMAND_HANDLERS, CatalogDependencies
from shop.catalog.service_layer.unit_of_work import CatalogUnitOfWork
from shop.common.bootstrap import Wired, wired
from shop.common.messagebus import MessageBus
from shop.common.messaging_settings import OutboxMode

CatalogBus = MessageBus[CatalogUnitOfWork, CatalogDependencies]


def message_bus(uow: Callable[[], CatalogUnitOfWork], deps: CatalogDependencies) -> CatalogBus:
    """The shared bus with the catalog's handler tables (over SQL or, in unit tests, the fakes)."""
    return MessageBus(uow, deps, commands=COMMAND_HANDLERS)


Catalog = Wired[CatalogBus, SqlCatalogUnitOfWork]


def bootstrap(
    engine: AsyncEngine,
    deps: CatalogDependencies | None = None,
    outbox_mode: OutboxMode = OutboxMode.RELAY,
) -> Catalog:
    used = deps or CatalogDependencies()
    return wired(engine, SqlCatalogUnitOfWork, outbox_mode, lambda uow: message_bus(uow, used))
