"""`shop run ordering-api`: orders, their history and a live status stream."""

from __future__ import annotations

import sys

from fastapi import FastAPI

from shop.common.app import create_app
from shop.common.auth.settings import AuthSettings
from shop.common.dead_letters_api import dead_letters_router
from shop.common.process import ProcessContext
from shop.common.public_paths import public_prefix
from shop.common.read_pool import ReadPool
from shop.common.relay.options import asyncpg_dsn
from shop.common.server import run_api
from shop.ordering.adapters.history_feed import HistoryFeed
from shop.ordering.adapters.tables import SCHEMA
from shop.ordering.bootstrap import bootstrap
from shop.ordering.entrypoints import routes
from shop.ordering.entrypoints.stream import StreamTiming
from shop.ordering.service_layer.handlers import OrderingDependencies
from shop.ordering.settings import OrderingSettings


def create_ordering_app(settings: OrderingSettings) -> FastAPI:
    async def wire(process: ProcessContext) -> None:
        process.state["ordering"] = bootstrap(
            process.engine, OrderingDependencies(settings.saga_timeouts), settings.outbox_mode
        )
        process.state[routes.READS] = await ReadPool.open(process)
        process.state["order_stream_timing"] = StreamTiming(
            settings.order_stream_poll_seconds,
            settings.order_stream_keepalive_seconds,
            settings.order_stream_news_first_seconds,
        )
        feed = HistoryFeed(asyncpg_dsn(settings.database_url), SCHEMA)
        process.state["order_history_feed"] = feed
        process.add_background_task("order-history-feed", feed.run)

    return create_app(
        title="Shopkeeper ordering",
        description="Orders placed from checkouts, their saga's history, and its live status.",
        settings=settings,
        routers=[routes.router, dead_letters_router("ordering")],
        public_prefix=public_prefix("ordering"),
        auth=AuthSettings.from_env(),
        lifespan_hooks=[wire],
    )


def main() -> int:
    return run_api(create_ordering_app(OrderingSettings(service_name="ordering-api")))


if __name__ == "__main__":
    sys.exit(main())
