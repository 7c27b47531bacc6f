"""Prometheus metrics of the operator, in a registry of their own."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

PLATFORM_LABELS = ("namespace", "platform")


@dataclass(frozen=True)
class OperatorMetrics:
    """The operator's metrics."""

    registry: CollectorRegistry
    reconcile_duration: Histogram
    reconcile_errors: Counter
    managed_platforms: Gauge
    drift_repairs: Counter
    child_writes: Counter
    connector_restarts: Counter

    @classmethod
    def create(cls) -> OperatorMetrics:
        """Fresh metrics in a fresh registry."""
        registry = CollectorRegistry()
        return cls(
            registry=registry,
            reconcile_duration=Histogram(
                "shopkeeper_reconcile_duration_seconds",
                "Time to reconcile one platform.",
                PLATFORM_LABELS,
                registry=registry,
                buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            ),
            reconcile_errors=Counter(
                "shopkeeper_reconcile_errors",
                "Reconciles that failed, by reason.",
                (*PLATFORM_LABELS, "reason"),
                registry=registry,
            ),
            managed_platforms=Gauge(
                "shopkeeper_managed_platforms",
                "EcommercePlatforms this replica manages.",
                registry=registry,
            ),
            drift_repairs=Counter(
                "shopkeeper_drift_repairs",
                "Children restored after being changed or deleted.",
                (*PLATFORM_LABELS, "kind"),
                registry=registry,
            ),
            child_writes=Counter(
                "shopkeeper_child_writes",
                "Server-side applies that changed a child.",
                ("kind",),
                registry=registry,
            ),
            connector_restarts=Counter(
                "shopkeeper_connector_restarts",
                "FAILED KafkaConnectors restarted.",
                PLATFORM_LABELS,
                registry=registry,
            ),
        )


@dataclass(frozen=True)
class MetricsServer:
    """The running /metrics HTTP server."""

    server: WSGIServer
    thread: threading.Thread

    @classmethod
    def start(cls, metrics: OperatorMetrics, host: str, port: int) -> MetricsServer:
        """Serve `metrics` on host:port in a background thread."""
        server, thread = start_http_server(port, addr=host, registry=metrics.registry)
        return cls(server, thread)

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
