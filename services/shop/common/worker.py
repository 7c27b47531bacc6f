"""Worker processes: background tasks (consumers, relays, timers) in one loop, with probes.

A context's worker is wired by `shop.common.context_worker.run_context_worker`, the relay by
`shop.common.relay.process`; both run here:

    return run_worker(settings=settings, registry=registry, tasks={"outbox-relay": relay_task})

The worker serves `/livez` (fails once a task crashed), `/readyz` and `/metrics` on the
settings' HTTP port. On SIGTERM/SIGINT it cancels the tasks, awaits their cleanup for up to
`shutdown_timeout_seconds`, closes resources and exits 0 (1 if anything crashed or overran).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from shop.common.app import create_app
from shop.common.process import LifespanHook, ProcessContext
from shop.common.server import run_process
from shop.common.settings import ServiceSettings

WorkerTask = Callable[[ProcessContext], Coroutine[Any, Any, None]]


def tasks_hook(tasks: Mapping[str, WorkerTask]) -> LifespanHook:
    async def register_tasks(process: ProcessContext) -> None:
        for name, task in tasks.items():
            process.add_background_task(name, functools.partial(task, process))

    return register_tasks


def create_worker_app(
    *,
    settings: ServiceSettings,
    tasks: Mapping[str, WorkerTask] | None = None,
    lifespan_hooks: Sequence[LifespanHook] = (),
    registry: CollectorRegistry | None = None,
) -> FastAPI:
    """The worker's probe server; its lifespan runs the hooks, then starts `tasks`.

    Hooks may register more tasks with `process.add_background_task`.
    """
    return create_app(
        title=f"{settings.service_name} worker",
        settings=settings,
        lifespan_hooks=[*lifespan_hooks, tasks_hook(tasks or {})],
        registry=registry,
        docs=False,
        ping_connections=False,  # consumers and timers retry what a dropped connection refused
    )


def run_worker(
    *,
    settings: ServiceSettings,
    tasks: Mapping[str, WorkerTask] | None = None,
    lifespan_hooks: Sequence[LifespanHook] = (),
    registry: CollectorRegistry | None = None,
) -> int:
    """Run a worker until SIGTERM/SIGINT; returns the process exit code."""
    app = create_worker_app(
        settings=settings, tasks=tasks, lifespan_hooks=lifespan_hooks, registry=registry
    )
    return run_process(app)
