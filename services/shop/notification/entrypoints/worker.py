"""`shop run notification-worker`: notifies customers about their orders and payments."""

from __future__ import annotations

import sys

import httpx

from shop.common.consumer import ConsumerMetrics, EventConsumer
from shop.common.graceful import run_until_cancelled
from shop.common.metrics_http import new_registry
from shop.common.process import ProcessContext
from shop.common.worker import run_worker
from shop.notification.bootstrap import Notifications, bootstrap, dependencies
from shop.notification.entrypoints.consumers import event_handlers
from shop.notification.settings import NotificationSettings
from shop.topology import CONSUMES, consumer_group


def main() -> int:
    settings = NotificationSettings(service_name="notification-worker")
    registry = new_registry()
    metrics = ConsumerMetrics(registry)

    async def wire(process: ProcessContext) -> None:
        client = await process.exit_stack.enter_async_context(
            httpx.AsyncClient(timeout=settings.lookup_timeout_seconds)
        )
        process.state["notifications"] = bootstrap(process.engine, dependencies(settings, client))

    async def consume(process: ProcessContext) -> None:
        notifications: Notifications = process.state["notifications"]
        consumer = EventConsumer(
            group=consumer_group("notification"),
            topics=[topic.name for topic in CONSUMES["notification"]],
            handlers=event_handlers(notifications.bus),
            uow_factory=notifications.unit_of_work,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            metrics=metrics,
        )
        await run_until_cancelled(consumer.run)

    return run_worker(
        settings=settings, registry=registry, lifespan_hooks=[wire], tasks={"notify": consume}
    )


if __name__ == "__main__":
    sys.exit(main())
