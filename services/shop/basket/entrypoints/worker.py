"""`shop run basket-worker`: keeps the basket's copy of the catalog current."""

from __future__ import annotations

import sys

from shop.basket.adapters.unit_of_work import SqlBasketUnitOfWork
from shop.basket.bootstrap import bootstrap
from shop.basket.entrypoints.consumers import INBOUND
from shop.basket.settings import BasketSettings
from shop.common.consumer import routes
from shop.common.context_worker import Consuming, run_context_worker
from shop.common.process import ProcessContext


def main() -> int:
    settings = BasketSettings(service_name="basket-worker")

    async def wire(process: ProcessContext) -> Consuming[SqlBasketUnitOfWork]:
        basket = bootstrap(process.engine, outbox_mode=settings.outbox_mode)
        return Consuming(routes(basket.bus, INBOUND), basket.unit_of_work)

    return run_context_worker("basket", settings, wire)


if __name__ == "__main__":
    sys.exit(main())
