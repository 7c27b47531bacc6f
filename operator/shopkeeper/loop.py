"""The per-platform reconcile loop, run as a kopf daemon.

Events of the platform and of its children only set a wake-up flag; the loop reconciles once
per wake-up, so a burst of events (e.g. 60 children created at once) costs one or two
reconciles, never one per event. It also reconciles every `resync_seconds` and retries
sooner when a reconcile asks to.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping

import kopf
from lightkube import ApiError

from shopkeeper.readiness import ChildState
from shopkeeper.reconciler import PlatformReconciler
from shopkeeper.runtime import Runtime
from shopkeeper.status import ChildKey

LiveView = Callable[[], Mapping[ChildKey, ChildState]]


async def run_platform_loop(
    runtime: Runtime,
    *,
    body: kopf.Body,
    namespace: str,
    name: str,
    stopped: kopf.DaemonStopped,
    live: LiveView,
    logger: logging.Logger | logging.LoggerAdapter[logging.Logger],
) -> None:
    """Reconcile `namespace/name` until kopf stops the daemon."""
    settings = runtime.settings
    wake_up = runtime.triggers.register(namespace, name)
    reconciler = PlatformReconciler(runtime, namespace, name)
    errors = runtime.metrics.reconcile_errors
    runtime.metrics.managed_platforms.inc()
    try:
        while not stopped:
            wake_up.clear()
            delay: float | None = settings.resync_seconds
            try:
                delay = await reconciler.reconcile(body, live()) or settings.resync_seconds
            except kopf.PermanentError as err:
                logger.error("not reconciling until the spec changes: %s", err)
                errors.labels(namespace, name, "InvalidSpec").inc()
                delay = None
            except (ApiError, OSError, kopf.TemporaryError) as err:
                logger.warning("reconcile failed, retrying: %s", err)
                errors.labels(namespace, name, type(err).__name__).inc()
                delay = settings.error_retry_seconds
            await _wait(wake_up, stopped, delay)
    finally:
        runtime.metrics.managed_platforms.dec()
        runtime.triggers.unregister(namespace, name)


async def _wait(wake_up: asyncio.Event, stopped: kopf.DaemonStopped, seconds: float | None) -> None:
    """Until woken up, stopped, or `seconds` passed (None: no limit)."""
    waiters = {
        asyncio.ensure_future(wake_up.wait()),
        asyncio.ensure_future(stopped.wait()),
    }
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
