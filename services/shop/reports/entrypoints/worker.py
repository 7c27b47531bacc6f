"""`shop run reports-worker`: projects order events into the sales reports."""

from __future__ import annotations

import sys

from shop.common.consumer import routes
from shop.common.context_worker import Consuming, ContextWorker, run_context_worker
from shop.common.process import ProcessContext
from shop.reports.adapters.unit_of_work import SqlReportsUnitOfWork
from shop.reports.bootstrap import bootstrap
from shop.reports.entrypoints.consumers import INBOUND
from shop.reports.settings import ReportsSettings


def context_worker(settings: ReportsSettings) -> ContextWorker:
    """Reports's worker, wired on the process's engine."""

    async def wire(process: ProcessContext) -> Consuming[SqlReportsUnitOfWork]:
        reports = bootstrap(process.engine, settings.outbox_mode)
        return Consuming(routes(reports.bus, INBOUND), reports.unit_of_work)

    return ContextWorker("reports", settings, wire)


def main() -> int:
    return run_context_worker(context_worker(ReportsSettings(service_name="reports-worker")))


if __name__ == "__main__":
    sys.exit(main())
