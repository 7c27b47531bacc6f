"""Operator start and stop: kopf settings, API client, metrics endpoint."""

from __future__ import annotations

import logging

import kopf

from shopkeeper import constants as c
from shopkeeper import kube
from shopkeeper.informer import ChildInformer
from shopkeeper.metrics import MetricsServer, OperatorMetrics
from shopkeeper.peering import ensure_peering_objects
from shopkeeper.runtime import Runtime, Triggers
from shopkeeper.settings import OperatorSettings

RUNTIME_KEY = "shopkeeper_runtime"


def configure_kopf(settings: kopf.OperatorSettings, config: OperatorSettings) -> None:
    """Kopf's persistence, watching and peering, set explicitly rather than by defaults."""
    # Our CRD's status schema is complete (no preserve-unknown-fields), so kopf's default
    # status-based progress storage would be pruned away silently: keep kopf's state in
    # annotations under our own prefix, and our own status for our conditions only.
    settings.persistence.progress_storage = kopf.AnnotationsProgressStorage(
        prefix=c.KOPF_ANNOTATIONS_PREFIX
    )
    settings.persistence.diffbase_storage = kopf.AnnotationsDiffBaseStorage(
        prefix=c.KOPF_ANNOTATIONS_PREFIX, key="last-handled-configuration"
    )
    # The platform daemons need a finalizer (kopf stops a loop before its platform goes);
    # ours is named after our API group instead of kopf's default.
    settings.persistence.finalizer = c.FINALIZER
    # Reconnect watches well before load balancers drop idle connections (often 5-10 min),
    # and never hang on a dead connection.
    settings.watching.server_timeout = 270
    settings.watching.client_timeout = 300
    settings.watching.connect_timeout = 30
    settings.networking.request_timeout = config.request_timeout_seconds
    # Only our explicit events (e.g. connector restarts) become Kubernetes Events, not logs.
    settings.posting.level = logging.WARNING
    settings.peering.name = c.PEERING_NAME
    settings.peering.priority = config.peering_priority
    settings.peering.standalone = config.standalone
    settings.peering.mandatory = not config.standalone
    settings.peering.clusterwide = not config.namespaces
    settings.peering.stealth = True


async def start(settings: kopf.OperatorSettings, memo: kopf.Memo) -> Runtime:
    """Configure kopf and create the runtime in `memo` (settings from `memo` or environment)."""
    config = memo.get("config") or OperatorSettings()
    configure_kopf(settings, config)
    metrics = OperatorMetrics.create()
    client = kube.new_client(config.request_timeout_seconds)
    triggers = Triggers()
    children = ChildInformer(client, config.namespaces, triggers.fire)
    runtime = Runtime(config, client, metrics, triggers, children)
    if config.metrics_port:
        runtime.metrics_server = MetricsServer.start(
            metrics, config.metrics_host, config.metrics_port
        )
    if not config.standalone:
        await ensure_peering_objects(runtime.client, config.namespaces)
    children.start()
    memo[RUNTIME_KEY] = runtime
    return runtime


async def stop(memo: kopf.Memo) -> None:
    """Release what `start` created."""
    runtime: Runtime | None = memo.get(RUNTIME_KEY)
    if runtime is not None:
        await runtime.close()
