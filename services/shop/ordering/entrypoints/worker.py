"""`shop run ordering-worker`: the order saga — its consumers and its deadline timer."""

from __future__ import annotations

import functools
import sys

from shop.common.consumer import routes
from shop.common.context_worker import Consuming, ContextWorker, run_context_worker
from shop.common.process import ProcessContext
from shop.common.rounds import run_rounds
from shop.ordering.adapters.metrics import PrometheusSagaObserver
from shop.ordering.adapters.unit_of_work import SqlOrderingUnitOfWork
from shop.ordering.bootstrap import OrderingBus, bootstrap
from shop.ordering.entrypoints.consumers import CHUNK_LOCKS, INBOUND
from shop.ordering.service_layer.handlers import OrderingDependencies, expire_due
from shop.ordering.settings import OrderingSettings


async def run_saga_timer(bus: OrderingBus, interval: float, batch_size: int) -> None:
    """Time out overdue saga steps, forever; a failed round is logged and retried."""
    await run_rounds(
        functools.partial(expire_due, bus, batch_size),
        batch_size=batch_size,
        interval=interval,
        what="saga timer",
    )


def context_worker(settings: OrderingSettings) -> ContextWorker:
    """Ordering's worker, wired on the process's engine."""

    async def wire(process: ProcessContext) -> Consuming[SqlOrderingUnitOfWork]:
        observer = PrometheusSagaObserver(process.registry)
        deps = OrderingDependencies(
            settings.saga_timeouts, fraud=settings.fraud_rules, observer=observer
        )
        ordering = bootstrap(process.engine, deps, settings.outbox_mode)
        timer = functools.partial(
            run_saga_timer,
            ordering.bus,
            settings.saga_timer_interval_seconds,
            settings.saga_timer_batch_size,
        )
        return Consuming(
            routes(ordering.bus, INBOUND),
            ordering.unit_of_work,
            tasks={"saga-timer": timer},
            prepare=CHUNK_LOCKS,
        )

    return ContextWorker("ordering", settings, wire)


def main() -> int:
    return run_context_worker(context_worker(OrderingSettings(service_name="ordering-worker")))


if __name__ == "__main__":
    sys.exit(main())
