"""The catalog's unit of work: the messaging core's, with the catalog's repositories.

After each commit it invalidates the read cache's entries of every product whose row or stock
the transaction locked or wrote: the same transaction that wrote the catalog's events to the
outbox (a restock writes stock without an event, so the events alone would not be enough).
"""

from __future__ import annotations

from uuid import UUID

from shop.catalog.adapters.read_cache import NoReadCache, ReadCache
from shop.catalog.adapters.recommendations import (
    SqlBoughtTogetherRepository,
    SqlEmbeddingRepository,
)
from shop.catalog.adapters.repositories import (
    SqlCategoryRepository,
    SqlProductRepository,
    SqlStockRepository,
)
from shop.catalog.adapters.reservations import SqlReservationRepository
from shop.catalog.adapters.tables import MESSAGING
from shop.catalog.domain.product import Product
from shop.catalog.domain.stock import StockItem
from shop.common.aggregate import Aggregate
from shop.common.context_uow import ContextUnitOfWork
from shop.common.events import Envelope
from shop.common.messaging_settings import OutboxMode
from shop.common.uow import Engine


class SqlCatalogUnitOfWork(ContextUnitOfWork):
    messaging = MESSAGING
    categories: SqlCategoryRepository
    products: SqlProductRepository
    stock: SqlStockRepository
    reservations: SqlReservationRepository
    embeddings: SqlEmbeddingRepository
    bought_together: SqlBoughtTogetherRepository

    def __init__(
        self,
        engine: Engine,
        outbox_mode: OutboxMode = OutboxMode.RELAY,
        read_cache: ReadCache | None = None,
    ) -> None:
        super().__init__(engine, outbox_mode)
        self._read_cache = read_cache or NoReadCache()
        self._changed_products: set[UUID] = set()

    def open_repositories(self) -> None:
        self._changed_products = set()
        self.categories = SqlCategoryRepository(self.connection)
        self.products = SqlProductRepository(self.connection, self.track)
        self.stock = SqlStockRepository(self.connection, self.track)
        self.reservations = SqlReservationRepository(self.connection, self.track)
        self.embeddings = SqlEmbeddingRepository(self.session)
        self.bought_together = SqlBoughtTogetherRepository(self.connection)

    def track(self, aggregate: Aggregate) -> None:
        super().track(aggregate)
        if isinstance(aggregate, Product):
            self._changed_products.add(aggregate.id)
        elif isinstance(aggregate, StockItem):
            self._changed_products.add(aggregate.product_id)

    async def commit(self) -> list[Envelope]:
        envelopes = await super().commit()
        changed, self._changed_products = self._changed_products, set()
        await self._read_cache.invalidate(changed)
        return envelopes
