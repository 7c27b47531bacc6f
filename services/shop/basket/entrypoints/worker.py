"""`shop run basket-worker`: keeps the basket's copy of the catalog current."""

from __future__ import annotations

import sys

from shop.basket.adapters.unit_of_work import SqlBasketUnitOfWork
from shop.basket.bootstrap import bootstrap
from shop.basket.entrypoints.consumers import INBOUND
from shop.basket.settings import BasketSettings
from shop.common.consumer import routes
from shop.common.context_worker import Consuming, ContextWorker, run_context_worker
from shop.common.process import ProcessContext


def context_worker(settings: BasketSettings) -> ContextWorker:
    """Basket's worker, wired on the process's engine."""

    async def wire(process: ProcessContext) -> Consuming[SqlBasketUnitOfWork]:
        basket = bootstrap(process.engine, outbox_mode=settings.outbox_mode)
        return Consuming(routes(basket.bus, INBOUND), basket.unit_of_work)

    return ContextWorker("basket", settings, wire)


def main() -> int:
    return run_context_worker(context_worker(BasketSettings(service_name="basket-worker")))


if __name__ == "__main__":
    sys.exit(main())
