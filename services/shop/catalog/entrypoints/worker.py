"""`shop run catalog-worker`: applies the saga's stock commands from Kafka (and invalidates
the read cache's entries of the stock it changed)."""

from __future__ import annotations

import sys

from shop.catalog.adapters.unit_of_work import SqlCatalogUnitOfWork
from shop.catalog.bootstrap import bootstrap, open_read_cache
from shop.catalog.entrypoints.consumers import INBOUND
from shop.catalog.settings import CatalogSettings
from shop.common.consumer import routes
from shop.common.context_worker import Consuming, run_context_worker
from shop.common.process import ProcessContext


def main() -> int:
    settings = CatalogSettings(service_name="catalog-worker")

    async def wire(process: ProcessContext) -> Consuming[SqlCatalogUnitOfWork]:
        read_cache = open_read_cache(settings, process)  # reservations invalidate reads
        catalog = bootstrap(process.engine, None, settings.outbox_mode, read_cache)
        return Consuming(routes(catalog.bus, INBOUND), catalog.unit_of_work)

    return run_context_worker("catalog", settings, wire)


if __name__ == "__main__":
    sys.exit(main())
