"""The per-platform reconcile loop, run as a kopf daemon.

Events of the platform and of its children only set a wake-up flag; the loop waits a short
settle time after a wake-up and reconciles once, so a burst of events (e.g. 70 children created
at once, then their controllers' status updates) costs a few reconciles, not one per event.
Every `resync_seconds` it re-applies everything, whatever the events said.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping

import httpx2
import kopf

from shopkeeper.observation import ChildKey
from shopkeeper.readiness import ChildState
from shopkeeper.reconciler import PlatformReconciler
from shopkeeper.runtime import Runtime

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
    resync_at = time.monotonic() + settings.resync_seconds
    try:
        await runtime.children.wait_synced()  # the first reconcile sees every existing child
        while not stopped:
            wake_up.clear()
            if time.monotonic() >= resync_at:
                reconciler.forget()
                resync_at = time.monotonic() + settings.resync_seconds
            retry: float | None = None
            try:
                async with runtime.reconcile_slots:
                    retry = await reconciler.reconcile(body, live())
            except kopf.PermanentError as err:
                logger.error("not reconciling until the spec changes: %s", err)
                errors.labels(namespace, name, "InvalidSpec").inc()
            except kopf.TemporaryError as err:
                logger.info("retrying in %.0fs: %s", err.delay or 0, err)
                retry = err.delay
            except (httpx2.HTTPError, OSError) as err:
                logger.warning("reconcile failed, retrying: %s", err)
                errors.labels(namespace, name, type(err).__name__).inc()
                retry = settings.error_retry_seconds
            until_resync = max(0.0, resync_at - time.monotonic())
            woken = await _wait(wake_up, stopped, min(retry or until_resync, until_resync))
            if woken and settings.settle_seconds:
                await stopped.wait(settings.settle_seconds)
    finally:
        await reconciler.close()
        runtime.metrics.managed_platforms.dec()
        runtime.triggers.unregister(namespace, name)


async def _wait(wake_up: asyncio.Event, stopped: kopf.DaemonStopped, seconds: float) -> bool:
    """Until woken up (True), stopped, or `seconds` passed."""
    waiters = {
        asyncio.ensure_future(wake_up.wait()),
        asyncio.ensure_future(stopped.wait()),
    }
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
    return wake_up.is_set()
