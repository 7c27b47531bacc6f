"""`shop run ordering-worker`: the order saga — its consumers and its deadline timer."""

from __future__ import annotations

import asyncio
import logging
import sys

from shop.common.context_consumer import ContextConsumer
from shop.common.metrics_http import new_registry
from shop.common.process import ProcessContext
from shop.common.worker import run_worker
from shop.ordering.adapters.metrics import PrometheusSagaObserver
from shop.ordering.bootstrap import Ordering, bootstrap
from shop.ordering.entrypoints.consumers import event_handlers
from shop.ordering.service_layer.handlers import OrderingDependencies
from shop.ordering.settings import OrderingSettings

log = logging.getLogger(__name__)


async def run_saga_timer(ordering: Ordering, interval: float, batch_size: int) -> None:
    """Time out overdue saga steps, forever; a failed round is logged and retried."""
    while True:
        try:
            expired = await ordering.bus.expire_due(batch_size)
        except Exception:
            log.exception("saga timer round failed; retrying in %.1fs", interval)
            expired = 0
        if expired < batch_size:
            await asyncio.sleep(interval)


def main() -> int:
    settings = OrderingSettings(service_name="ordering-worker")
    registry = new_registry()
    consumer = ContextConsumer("ordering", settings, registry)
    deps = OrderingDependencies(settings.saga_timeouts, observer=PrometheusSagaObserver(registry))

    async def wire(process: ProcessContext) -> None:
        process.state["ordering"] = bootstrap(process.engine, deps)

    async def consume(process: ProcessContext) -> None:
        ordering: Ordering = process.state["ordering"]
        await consumer.run(event_handlers(ordering.bus), ordering.unit_of_work)

    async def timer(process: ProcessContext) -> None:
        await run_saga_timer(
            process.state["ordering"],
            settings.saga_timer_interval_seconds,
            settings.saga_timer_batch_size,
        )

    return run_worker(
        settings=settings,
        registry=registry,
        lifespan_hooks=[wire],
        tasks={"saga-consumer": consume, "saga-timer": timer},
    )


if __name__ == "__main__":
    sys.exit(main())
