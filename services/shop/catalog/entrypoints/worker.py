"""`shop run catalog-worker`: applies the saga's stock commands from Kafka (and invalidates
the read cache's entries of the stock it changed)."""

from __future__ import annotations

import sys

from shop.catalog.adapters.unit_of_work import SqlCatalogUnitOfWork
from shop.catalog.bootstrap import bootstrap, open_read_cache
from shop.catalog.entrypoints.consumers import INBOUND
from shop.catalog.settings import CatalogSettings
from shop.common.consumer import routes
from shop.common.context_worker import Consuming, ContextWorker, run_context_worker
from shop.common.process import ProcessContext


def context_worker(settings: CatalogSettings) -> ContextWorker:
    """Catalog's worker, wired on the process's engine."""

    async def wire(process: ProcessContext) -> Consuming[SqlCatalogUnitOfWork]:
        read_cache = open_read_cache(settings, process)  # reservations invalidate reads
        catalog = bootstrap(process.engine, None, settings.outbox_mode, read_cache)
        return Consuming(routes(catalog.bus, INBOUND), catalog.unit_of_work)

    return ContextWorker("catalog", settings, wire)


def main() -> int:
    return run_context_worker(context_worker(CatalogSettings(service_name="catalog-worker")))


if __name__ == "__main__":
    sys.exit(main())
