"""`shop run reports-api`: sales per day, top products, orders by status."""

from __future__ import annotations

import sys

from fastapi import FastAPI

from shop.common.app import create_app
from shop.common.auth.settings import AuthSettings
from shop.common.dead_letters_api import dead_letters_router
from shop.common.process import ProcessContext
from shop.common.public_paths import public_prefix
from shop.common.server import run_api
from shop.reports.bootstrap import bootstrap
from shop.reports.entrypoints import routes
from shop.reports.settings import ReportsSettings


def create_reports_app(settings: ReportsSettings) -> FastAPI:
    async def wire(process: ProcessContext) -> None:
        process.state["reports"] = bootstrap(process.engine, settings.outbox_mode)

    return create_app(
        title="Shopkeeper reports",
        description="Sales projections built from order events.",
        settings=settings,
        routers=[routes.router, dead_letters_router("reports")],
        public_prefix=public_prefix("reports"),
        auth=AuthSettings.from_env(),
        lifespan_hooks=[wire],
    )


def main() -> int:
    return run_api(create_reports_app(ReportsSettings(service_name="reports-api")))


if __name__ == "__main__":
    sys.exit(main())
