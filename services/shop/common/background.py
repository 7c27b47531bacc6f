"""Long-running background tasks of a process (consumers, relays, timers), supervised together.

A task is a coroutine factory. Stopping cancels every task and waits, up to a deadline, for
their cleanup (`finally:` blocks, `consumer.stop()`). A task that raised is reported by
`failures()`, which fails the process's liveness probe so that it is restarted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

TaskFactory = Callable[[], Coroutine[Any, Any, None]]
log = logging.getLogger(__name__)


class BackgroundTasks:
    """Named tasks started together and stopped together."""

    def __init__(self) -> None:
        self._factories: dict[str, TaskFactory] = {}
        self._running: dict[str, asyncio.Task[None]] = {}

    def add(self, name: str, factory: TaskFactory) -> None:
        """Register a task to run from `start()` until `stop()`."""
        if name in self._factories:
            raise ValueError(f"a background task named {name!r} is already registered")
        if self._running:
            raise RuntimeError(f"cannot add {name!r}: the background tasks already started")
        self._factories[name] = factory

    @property
    def names(self) -> list[str]:
        return list(self._factories)

    def start(self) -> None:
        """Start every registered task in the running loop."""
        for name, factory in self._factories.items():
            task = asyncio.create_task(factory(), name=name)
            task.add_done_callback(self._report_end)
            self._running[name] = task
            log.info("background task %s started", name, extra={"task": name})

    def failures(self) -> list[str]:
        """One line per task that ended with an exception."""
        return [
            f"background task {name} crashed: {type(error).__name__}: {error}"
            for name, task in self._running.items()
            if task.done() and not task.cancelled() and (error := task.exception()) is not None
        ]

    async def stop(self, deadline_seconds: float) -> bool:
        """Cancel every task and wait for their cleanup; False if one outlived the deadline."""
        pending = [task for task in self._running.values() if not task.done()]
        for task in pending:
            task.cancel()
        if not pending:
            return True
        _, still_running = await asyncio.wait(pending, timeout=deadline_seconds)
        for task in still_running:
            log.error(
                "background task %s did not stop within %gs",
                task.get_name(),
                deadline_seconds,
                extra={"task": task.get_name()},
            )
        return not still_running

    @staticmethod
    def _report_end(task: asyncio.Task[None]) -> None:
        name = task.get_name()
        if task.cancelled():
            log.info("background task %s stopped", name, extra={"task": name})
        elif (error := task.exception()) is not None:
            log.error(
                "background task %s crashed",
                name,
                exc_info=(type(error), error, error.__traceback__),
                extra={"task": name},
            )
        else:
            log.warning("background task %s returned", name, extra={"task": name})
