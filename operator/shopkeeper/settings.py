"""Operator process settings (`SHOPKEEPER_*` environment variables)."""

from __future__ import annotations

import secrets

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _random_priority() -> int:
    return 1 + secrets.randbelow(1_000_000)


class OperatorSettings(BaseSettings):
    """How the operator process runs."""

    model_config = SettingsConfigDict(env_prefix="SHOPKEEPER_", frozen=True)

    namespaces: list[str] = Field(default_factory=list)
    """Namespaces to serve (JSON list); empty: the whole cluster."""
    metrics_host: str = "0.0.0.0"
    """Address of the Prometheus /metrics endpoint."""
    metrics_port: int = Field(9090, ge=0, le=65535)
    """Port of the /metrics endpoint (0: do not serve metrics)."""
    liveness_port: int = Field(8080, ge=0, le=65535)
    """Port of kopf's /healthz liveness endpoint (0: none)."""
    standalone: bool = False
    """Run without peering (a single replica, or tests)."""
    peering_priority: int = Field(default_factory=_random_priority, ge=0)
    """Peering priority: the highest-priority replica works, the others stand by. Random by
    default, so that replicas of one Deployment never tie (a tie freezes them all)."""
    resync_seconds: float = Field(300.0, gt=0)
    """Reconcile every platform at least this often, even without events."""
    max_concurrent_reconciles: int = Field(8, ge=1, le=256)
    """Platforms reconciled at the same time; the others wait their turn."""
    settle_seconds: float = Field(0.5, ge=0)
    """After an event wakes a platform's loop, wait this long for more before reconciling."""
    dependency_retry_seconds: float = Field(30.0, gt=0)
    """Retry delay when a CRD the spec needs (Strimzi, CloudNativePG...) is missing."""
    error_retry_seconds: float = Field(10.0, gt=0)
    """Retry delay after a failed API call."""
    connector_restart_interval_seconds: float = Field(60.0, ge=0)
    """Least time between two restarts of one FAILED KafkaConnector."""
    request_timeout_seconds: float = Field(30.0, gt=0)
    """Timeout of each Kubernetes API (and Kafka Connect REST) request."""
    connect_poll_seconds: float = Field(10.0, gt=0)
    """Outbox mode connect-rest: how often the connectors are checked (Connect has no watch)."""
