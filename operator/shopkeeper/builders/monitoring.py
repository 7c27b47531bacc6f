"""Prometheus Operator ServiceMonitor and PrometheusRule for the shop's processes."""

from __future__ import annotations

from shopkeeper import constants as c
from shopkeeper import kinds, naming
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import metadata


def build_service_monitor(inp: BuildInput) -> Manifest | None:
    """Scrapes /metrics of every API, worker and relay Service of the platform."""
    settings = inp.spec.observability.service_monitors
    if not settings.enabled:
        return None
    return {
        "apiVersion": kinds.SERVICE_MONITOR.api_version,
        "kind": kinds.SERVICE_MONITOR.kind,
        "metadata": metadata(
            inp,
            kinds.SERVICE_MONITOR,
            naming.shop(inp.name),
            component="monitoring",
            labels=dict(settings.labels),
        ),
        "spec": {
            "selector": {
                "matchLabels": {
                    c.NAME_LABEL: "shop",
                    c.INSTANCE_LABEL: inp.name,
                    c.PART_OF_LABEL: c.PART_OF_VALUE,
                },
                "matchExpressions": [
                    {"key": c.ROLE_LABEL, "operator": "In", "values": ["api", "worker", "relay"]},
                ],
            },
            "namespaceSelector": {"matchNames": [inp.namespace]},
            "endpoints": [
                {
                    "port": c.HTTP_PORT_NAME,
                    "path": c.METRICS_PATH,
                    "interval": settings.interval,
                }
            ],
            "targetLabels": [c.CONTEXT_LABEL, c.ROLE_LABEL],
        },
    }


def alert_rules(inp: BuildInput) -> list[dict[str, object]]:
    """Alerts on series that exist whatever the shop's version: scrape health and the operator."""
    selector = f'namespace="{inp.namespace}",service=~"{inp.name}-.+"'
    return [
        {
            "alert": "ShopProcessDown",
            "expr": f"up{{{selector}}} == 0",
            "for": "5m",
            "labels": {"severity": "critical"},
            "annotations": {
                "summary": "A shop process of {{ $labels.namespace }} cannot be scraped",
                "description": "{{ $labels.service }} ({{ $labels.pod }}) has been down for 5m.",
            },
        },
        {
            "alert": "ShopProcessesMissing",
            "expr": f"absent(up{{{selector}}})",
            "for": "15m",
            "labels": {"severity": "warning"},
            "annotations": {
                "summary": f"No shop process of platform {inp.name} is scraped",
                "description": "Check the ServiceMonitor selection of your Prometheus.",
            },
        },
        {
            "alert": "ShopkeeperReconcileErrors",
            "expr": (
                f'increase(shopkeeper_reconcile_errors_total{{namespace="{inp.namespace}",'
                f'platform="{inp.name}"}}[15m]) > 0'
            ),
            "for": "15m",
            "labels": {"severity": "warning"},
            "annotations": {
                "summary": f"The operator keeps failing to reconcile platform {inp.name}",
                "description": "See `kubectl describe ecp` and the operator's log.",
            },
        },
    ]


def build_prometheus_rule(inp: BuildInput) -> Manifest | None:
    """A PrometheusRule with the shop's alerts."""
    settings = inp.spec.observability.prometheus_rules
    if not settings.enabled:
        return None
    return {
        "apiVersion": kinds.PROMETHEUS_RULE.api_version,
        "kind": kinds.PROMETHEUS_RULE.kind,
        "metadata": metadata(
            inp,
            kinds.PROMETHEUS_RULE,
            naming.shop(inp.name),
            component="monitoring",
            labels=dict(settings.labels),
        ),
        "spec": {"groups": [{"name": f"shopkeeper.{inp.name}", "rules": alert_rules(inp)}]},
    }


def build_monitoring(inp: BuildInput) -> list[Manifest]:
    """The enabled monitoring objects."""
    built = [build_service_monitor(inp), build_prometheus_rule(inp)]
    return [m for m in built if m is not None]
