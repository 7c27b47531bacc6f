"""Wires the catalog: the shared bus, with the catalog's handlers, over SQL units of work, and
read sessions for queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop.catalog.adapters.unit_of_work import SqlCatalogUnitOfWork
from shop.catalog.service_layer.handlers import COMMAND_HANDLERS, CatalogDependencies
from shop.catalog.service_layer.unit_of_work import CatalogUnitOfWork
from shop.common.messagebus import MessageBus

CatalogBus = MessageBus[CatalogUnitOfWork, CatalogDependencies]


def message_bus(uow: Callable[[], CatalogUnitOfWork], deps: CatalogDependencies) -> CatalogBus:
    """The shared bus with the catalog's handler tables (over SQL or, in unit tests, the fakes)."""
    return MessageBus(uow, deps, commands=COMMAND_HANDLERS)


@dataclass(frozen=True)
class Catalog:
    bus: CatalogBus
    sessions: async_sessionmaker[AsyncSession]

    def unit_of_work(self) -> SqlCatalogUnitOfWork:
        return SqlCatalogUnitOfWork(self.sessions)


def bootstrap(engine: AsyncEngine, deps: CatalogDependencies | None = None) -> Catalog:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    bus = message_bus(lambda: SqlCatalogUnitOfWork(sessions), deps or CatalogDependencies())
    return Catalog(bus, sessions)
