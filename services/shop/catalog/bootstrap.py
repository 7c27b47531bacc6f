"""Wires the catalog: a message bus over SQL units of work, and read sessions for queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop.catalog.adapters.unit_of_work import SqlCatalogUnitOfWork
from shop.catalog.service_layer.handlers import CatalogDependencies
from shop.catalog.service_layer.messagebus import MessageBus


@dataclass(frozen=True)
class Catalog:
    bus: MessageBus
    sessions: async_sessionmaker[AsyncSession]

    def unit_of_work(self) -> SqlCatalogUnitOfWork:
        return SqlCatalogUnitOfWork(self.sessions)


def bootstrap(engine: AsyncEngine, deps: CatalogDependencies | None = None) -> Catalog:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    bus = MessageBus(lambda: SqlCatalogUnitOfWork(sessions), deps or CatalogDependencies())
    return Catalog(bus, sessions)
