"""`shop run notification-worker`: notifies customers about their orders and payments."""

from __future__ import annotations

import sys

import httpx

from shop.common.context_consumer import ContextConsumer
from shop.common.metrics_http import new_registry
from shop.common.process import ProcessContext
from shop.common.worker import run_worker
from shop.notification.bootstrap import Notifications, bootstrap, dependencies
from shop.notification.entrypoints.consumers import event_handlers
from shop.notification.settings import NotificationSettings


def main() -> int:
    settings = NotificationSettings(service_name="notification-worker")
    registry = new_registry()
    consumer = ContextConsumer("notification", settings, registry, alone=True)

    async def wire(process: ProcessContext) -> None:
        client = await process.exit_stack.enter_async_context(
            httpx.AsyncClient(timeout=settings.lookup_timeout_seconds)
        )
        process.state["notifications"] = bootstrap(process.engine, dependencies(settings, client))

    async def consume(process: ProcessContext) -> None:
        notifications: Notifications = process.state["notifications"]
        await consumer.run(event_handlers(notifications.bus), notifications.unit_of_work)

    return run_worker(
        settings=settings, registry=registry, lifespan_hooks=[wire], tasks={"notify": consume}
    )


if __name__ == "__main__":
    sys.exit(main())
