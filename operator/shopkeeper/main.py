"""Kopf handler registrations, and nothing else: the logic lives in the modules they call."""

from __future__ import annotations

import logging
import os
from typing import Any

import kopf

from shopkeeper import constants as c
from shopkeeper import startup
from shopkeeper.connect_rest import connectors_go_with_the_platform, delete_platform_connectors
from shopkeeper.login import in_cluster_connection
from shopkeeper.loop import run_platform_loop
from shopkeeper.runtime import Runtime

CONNECTOR_DELETION_TIMEOUT = 300.0
"""Seconds a deleted platform waits for Kafka Connect to remove its connectors (then it goes)."""


@kopf.on.login()
def login(settings: kopf.OperatorSettings, **kwargs: Any) -> kopf.ConnectionInfo | None:
    found = in_cluster_connection(os.environ)
    return found or kopf.login_with_kubeconfig(settings=settings, **kwargs)


@kopf.on.startup()
async def operator_started(settings: kopf.OperatorSettings, memo: kopf.Memo, **_: Any) -> None:
    await startup.start(settings, memo)


@kopf.on.cleanup()
async def operator_stopping(memo: kopf.Memo, **_: Any) -> None:
    await startup.stop(memo)


@kopf.daemon(c.GROUP, c.VERSION, c.PLURAL, cancellation_timeout=10.0)
async def platform_loop(
    body: kopf.Body,
    namespace: str | None,
    name: str,
    stopped: kopf.DaemonStopped,
    memo: Any,
    logger: logging.Logger | logging.LoggerAdapter[Any],
    **_: Any,
) -> None:
    runtime: Runtime = memo[startup.RUNTIME_KEY]
    namespace = namespace or ""
    await run_platform_loop(
        runtime,
        body=body,
        namespace=namespace,
        name=name,
        stopped=stopped,
        logger=logger,
        live=lambda: runtime.children.children(namespace, name),
    )


@kopf.on.delete(
    c.GROUP,
    c.VERSION,
    c.PLURAL,
    when=lambda spec, **_: connectors_go_with_the_platform(spec),
    timeout=CONNECTOR_DELETION_TIMEOUT,
)
async def platform_deleted(
    body: kopf.Body, memo: Any, logger: logging.Logger | logging.LoggerAdapter[Any], **_: Any
) -> None:
    runtime: Runtime = memo[startup.RUNTIME_KEY]
    deleted = await delete_platform_connectors(runtime.client, runtime.settings, body)
    logger.info("deleted connectors %s from Kafka Connect", ", ".join(deleted) or "(none left)")


@kopf.on.event(c.GROUP, c.VERSION, c.PLURAL)
async def platform_changed(
    namespace: str | None, name: str, meta: kopf.Meta, status: kopf.Status, memo: Any, **_: Any
) -> None:
    # Our own status writes come back as events too; only a new generation needs work.
    if meta.get("generation") != status.get("observedGeneration"):
        memo[startup.RUNTIME_KEY].triggers.fire(namespace or "", name)
