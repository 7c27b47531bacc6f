"""`shop run catalog-api`: products, categories, stock and recommendations over HTTP."""

from __future__ import annotations

import sys

from fastapi import FastAPI

from shop.catalog.adapters.wordllama_embedder import wordllama_embedder
from shop.catalog.bootstrap import bootstrap, open_read_cache
from shop.catalog.entrypoints import routes_products, routes_recommendations, routes_stock
from shop.catalog.service_layer.handlers import CatalogDependencies
from shop.catalog.settings import CatalogSettings
from shop.common.app import create_app
from shop.common.auth.settings import AuthSettings
from shop.common.dead_letters_api import dead_letters_router
from shop.common.process import ProcessContext
from shop.common.public_paths import public_prefix
from shop.common.server import run_api


def create_catalog_app(settings: CatalogSettings) -> FastAPI:
    async def wire(process: ProcessContext) -> None:
        read_cache = open_read_cache(settings, process)
        embedder = wordllama_embedder()
        deps = CatalogDependencies(embedder)
        process.state["catalog"] = bootstrap(process.engine, deps, settings.outbox_mode, read_cache)
        process.state["catalog_read_cache"] = read_cache
        process.state["catalog_embedder"] = embedder

    return create_app(
        title="Shopkeeper catalog",
        description=(
            "Products, categories and stock; products bought together and a semantic search."
            " Changes are published as events."
        ),
        settings=settings,
        routers=[
            routes_recommendations.router,
            routes_products.router,
            routes_stock.router,
            dead_letters_router("catalog"),
        ],
        public_prefix=public_prefix("catalog"),
        auth=AuthSettings.from_env(),
        lifespan_hooks=[wire],
    )


def main() -> int:
    return run_api(create_catalog_app(CatalogSettings(service_name="catalog-api")))


if __name__ == "__main__":
    sys.exit(main())
