"""`shop run catalog-worker`: applies the saga's stock commands from Kafka (and invalidates
the read cache's entries of the stock it changed), projects confirmed orders into "bought
together", and embeds the products that have no vector of the current model (the backfill)."""

from __future__ import annotations

import functools
import logging
import sys

from shop.catalog.adapters.unit_of_work import SqlCatalogUnitOfWork
from shop.catalog.bootstrap import CatalogBus, bootstrap, open_read_cache
from shop.catalog.domain.commands import EmbedProducts
from shop.catalog.entrypoints.consumers import CHUNK_LOCKS, INBOUND
from shop.catalog.settings import CatalogSettings
from shop.common.consumer import routes
from shop.common.context_worker import Consuming, ContextWorker, run_context_worker
from shop.common.process import ProcessContext
from shop.common.rounds import run_rounds

log = logging.getLogger(__name__)


async def run_embedding_backfill(bus: CatalogBus, interval: float, batch_size: int) -> None:
    """Embed products without a current vector, forever: batch after batch while there are
    any, then once per `interval` (after a migration or a new model); failures are retried."""

    async def embed() -> int:
        embedded: int = await bus.handle(EmbedProducts(batch_size))
        if embedded:
            log.info("embedded %d products", embedded)
        return embedded

    await run_rounds(embed, batch_size=batch_size, interval=interval, what="embedding backfill")


def context_worker(settings: CatalogSettings) -> ContextWorker:
    """Catalog's worker, wired on the process's engine."""

    async def wire(process: ProcessContext) -> Consuming[SqlCatalogUnitOfWork]:
        read_cache = open_read_cache(settings, process)  # reservations invalidate reads
        catalog = bootstrap(process.engine, None, settings.outbox_mode, read_cache)
        backfill = functools.partial(
            run_embedding_backfill,
            catalog.bus,
            settings.embedding_backfill_interval_seconds,
            settings.embedding_backfill_batch_size,
        )
        return Consuming(
            routes(catalog.bus, INBOUND),
            catalog.unit_of_work,
            tasks={"embedding-backfill": backfill},
            prepare=CHUNK_LOCKS,
        )

    return ContextWorker("catalog", settings, wire)


def main() -> int:
    return run_context_worker(context_worker(CatalogSettings(service_name="catalog-worker")))


if __name__ == "__main__":
    sys.exit(main())
