"""`shop run basket-api`: carts and checkout."""

from __future__ import annotations

import sys

from fastapi import FastAPI

from shop.basket.bootstrap import bootstrap
from shop.basket.entrypoints import routes
from shop.basket.settings import BasketSettings
from shop.common.app import create_app
from shop.common.auth.settings import AuthSettings
from shop.common.dead_letters_api import dead_letters_router
from shop.common.process import ProcessContext
from shop.common.public_paths import public_prefix
from shop.common.server import run_api


def create_basket_app(settings: BasketSettings) -> FastAPI:
    async def wire(process: ProcessContext) -> None:
        process.state["basket"] = bootstrap(process.engine, outbox_mode=settings.outbox_mode)

    return create_app(
        title="Shopkeeper basket",
        description="Customers' carts priced from the catalog, and checkout into orders.",
        settings=settings,
        routers=[routes.router, dead_letters_router("basket")],
        public_prefix=public_prefix("basket"),
        auth=AuthSettings.from_env(),
        lifespan_hooks=[wire],
    )


def main() -> int:
    return run_api(create_basket_app(BasketSettings(service_name="basket-api")))


if __name__ == "__main__":
    sys.exit(main())
