"""`shop run notification-worker`: notifies customers about their orders and payments."""

from __future__ import annotations

import sys

import httpx

from shop.common.consumer import routes
from shop.common.context_worker import Consuming, ContextWorker, run_context_worker
from shop.common.process import ProcessContext
from shop.notification.adapters.unit_of_work import SqlNotificationUnitOfWork
from shop.notification.bootstrap import bootstrap, dependencies
from shop.notification.entrypoints.consumers import INBOUND
from shop.notification.settings import NotificationSettings


def context_worker(settings: NotificationSettings) -> ContextWorker:
    """Notification's worker, wired on the process's engine. It applies a poll's messages in
    shared transactions, as every context but payment does: a delivery sent before its
    transaction rolled back is remembered and not sent again (`SentMessages`, ADR 0064)."""

    async def wire(process: ProcessContext) -> Consuming[SqlNotificationUnitOfWork]:
        client = await process.exit_stack.enter_async_context(
            httpx.AsyncClient(timeout=settings.lookup_timeout_seconds)
        )
        notifications = bootstrap(
            process.engine, dependencies(settings, client), settings.outbox_mode
        )
        return Consuming(routes(notifications.bus, INBOUND), notifications.unit_of_work)

    return ContextWorker("notification", settings, wire)


def main() -> int:
    return run_context_worker(
        context_worker(NotificationSettings(service_name="notification-worker"))
    )


if __name__ == "__main__":
    sys.exit(main())
