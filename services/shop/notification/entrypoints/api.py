"""`shop run notification-api`: templates and the delivery log."""

from __future__ import annotations

import sys

import httpx
from fastapi import FastAPI

from shop.common.app import create_app
from shop.common.auth.settings import AuthSettings
from shop.common.dead_letters_api import dead_letters_router
from shop.common.process import ProcessContext
from shop.common.public_paths import public_prefix
from shop.common.server import run_api
from shop.notification.bootstrap import bootstrap, dependencies
from shop.notification.entrypoints import routes
from shop.notification.settings import NotificationSettings


def create_notification_app(settings: NotificationSettings) -> FastAPI:
    async def wire(process: ProcessContext) -> None:
        client = await process.exit_stack.enter_async_context(
            httpx.AsyncClient(timeout=settings.lookup_timeout_seconds)
        )
        process.state["notifications"] = bootstrap(
            process.engine, dependencies(settings, client), settings.outbox_mode
        )

    return create_app(
        title="Shopkeeper notification",
        description="Message templates for order and payment events, and the delivery log.",
        settings=settings,
        routers=[routes.router, dead_letters_router("notification")],
        public_prefix=public_prefix("notification"),
        auth=AuthSettings.from_env(),
        lifespan_hooks=[wire],
    )


def main() -> int:
    return run_api(create_notification_app(NotificationSettings(service_name="notification-api")))


if __name__ == "__main__":
    sys.exit(main())
