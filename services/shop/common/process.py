"""What a running process holds: its engine, clients, readiness checks and background tasks.

`ProcessContext.start()` opens the database engine and the Kafka readiness client, then runs
the lifespan hooks, in order, which wire the context's own pieces (payment's API):

    async def wire(process: ProcessContext) -> None:
        process.state["payments"] = bootstrap(process.engine, mock_gateway(settings))

A hook may also enter clients into `process.exit_stack` (closed at the end, as notification's
ordering client is), `add_readiness_check(name, check)` and `add_background_task(name, factory)`.
`stop()` cancels the background tasks (with a deadline) and closes everything in reverse order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from typing import Any, Literal

import sqlalchemy.ext.asyncio as sa_asyncio
from prometheus_client import CollectorRegistry

from shop.common.background import BackgroundTasks, TaskFactory
from shop.common.db_pool import refuse_closed_connections
from shop.common.health import KafkaReadiness, ReadinessCheck, database_check
from shop.common.settings import ServiceSettings

Phase = Literal["created", "starting", "running", "stopping", "stopped"]
log = logging.getLogger(__name__)
POOL_BURST = 10
"""Connections a burst may open beyond `database_pool_size` (SQLAlchemy's default overflow)."""


class ProcessContext:
    """Resources of one API or worker process, opened in its lifespan and closed at its end."""

    def __init__(
        self,
        settings: ServiceSettings,
        registry: CollectorRegistry,
        *,
        ping_connections: bool = True,
    ) -> None:
        """`ping_connections`: check that each pooled connection is still open before use (no
        round trip: `shop.common.db_pool`). APIs do, so a request after a database restart
        does not fail; workers need not, as they retry what the database refused."""
        self.settings = settings
        self.ping_connections = ping_connections
        self.registry = registry
        self.state: dict[str, Any] = {}
        self.readiness_checks: dict[str, ReadinessCheck] = {}
        self.tasks = BackgroundTasks()
        self.exit_stack = AsyncExitStack()
        self.phase: Phase = "created"
        self.stopped_cleanly = False
        self._engine: sa_asyncio.AsyncEngine | None = None
        self._added_hooks: list[LifespanHook] = []

    @property
    def engine(self) -> sa_asyncio.AsyncEngine:
        """The process's database engine (available once `start()` began)."""
        if self._engine is None:
            raise RuntimeError("the process has not started: no database engine yet")
        return self._engine

    def add_readiness_check(self, name: str, check: ReadinessCheck) -> None:
        """Report `check` by `name` on `/readyz`."""
        if name in self.readiness_checks:
            raise ValueError(f"a readiness check named {name!r} is already registered")
        self.readiness_checks[name] = check

    def add_background_task(self, name: str, factory: TaskFactory) -> None:
        """Run `factory()` from the end of start-up until shutdown."""
        self.tasks.add(name, factory)

    def add_lifespan_hook(self, hook: LifespanHook) -> None:
        """Run `hook` at start-up too, after the app's own (a process that also hosts its
        context's worker and relay: `shop.common.context_process`)."""
        if self.phase != "created":
            raise RuntimeError("lifespan hooks are added before the process starts")
        self._added_hooks.append(hook)

    def liveness_failures(self) -> list[str]:
        """Why the process should be restarted (crashed background tasks); empty when alive."""
        return self.tasks.failures()

    async def start(self, hooks: Sequence[LifespanHook] = ()) -> None:
        """Open the engine and Kafka client, run the hooks, start the background tasks."""
        self.phase = "starting"
        try:
            self._open_common_resources()
            for hook in [*hooks, *self._added_hooks]:
                await hook(self)
            self.tasks.start()
        except BaseException:
            await self.exit_stack.aclose()
            self.phase = "stopped"
            raise
        self.phase = "running"
        log.info("process started", extra={"service": self.settings.service_name})

    def _open_common_resources(self) -> None:
        settings = self.settings
        # Looked up on the module so that OpenTelemetry's wrapper of it (if set up) applies.
        # Up to pool size + burst connections, as with SQLAlchemy's overflow, but each one stays
        # open once opened: an overflow connection is closed on return, and the next burst pays
        # a new session for it (a fork, SCRAM, a cold backend: about 12 ms of CPU in all).
        engine = sa_asyncio.create_async_engine(
            settings.database_url,
            pool_size=settings.database_pool_size + POOL_BURST,
            max_overflow=0,
        )
        if self.ping_connections:
            refuse_closed_connections(engine)
        self._engine = engine
        self.exit_stack.push_async_callback(engine.dispose)
        self.add_readiness_check("database", database_check(engine))
        kafka = KafkaReadiness(
            settings.kafka_bootstrap_servers,
            client_id=f"{settings.service_name}-readiness",
            timeout_seconds=settings.readiness_timeout_seconds,
        )
        self.exit_stack.push_async_callback(kafka.close)
        self.add_readiness_check("kafka", kafka)

    async def stop(self) -> bool:
        """Stop the tasks, then close resources in reverse order; True if all went cleanly."""
        if self.phase in ("stopping", "stopped"):
            return self.stopped_cleanly
        self.phase = "stopping"
        deadline = self.settings.shutdown_timeout_seconds
        tasks_stopped = await self.tasks.stop(deadline)
        crashed = self.tasks.failures()
        try:
            async with asyncio.timeout(deadline):
                await self.exit_stack.aclose()
            resources_closed = True
        except Exception:
            log.exception("closing the process's resources failed or took over %gs", deadline)
            resources_closed = False
        self.phase = "stopped"
        self.stopped_cleanly = tasks_stopped and resources_closed and not crashed
        log.info("process stopped", extra={"clean": self.stopped_cleanly})
        return self.stopped_cleanly


LifespanHook = Callable[[ProcessContext], Awaitable[None]]
"""Wires part of a process at start-up; registers its cleanup on `process.exit_stack`."""
