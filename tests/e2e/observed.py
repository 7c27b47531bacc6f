"""The e2e tests' reading of the session's Prometheus and Jaeger (their HTTP APIs)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from localinfra.jaeger import Jaeger
from localinfra.prometheus_server import PrometheusServer

Trace = dict[str, Any]


async def trace_mentioning(jaeger: Jaeger, service: str, text: str) -> Trace | None:
    """The newest trace with a span of `service` whose spans mention `text` (an order id)."""
    traces = await asyncio.to_thread(jaeger.traces, service, limit=200)
    return next((trace for trace in traces if text in json.dumps(trace)), None)


def spans_by_service(trace: Trace) -> list[tuple[str, str]]:
    """(service, span name) of every span of a trace, in start order."""
    processes = trace["processes"]
    ordered = sorted(trace["spans"], key=lambda span: span["startTime"])
    return [
        (processes[span["processID"]]["serviceName"], span["operationName"]) for span in ordered
    ]


async def query(prometheus: PrometheusServer, expr: str) -> list[dict[str, Any]]:
    return await asyncio.to_thread(prometheus.query, expr)


def query_of(prometheus: PrometheusServer, expr: str) -> Callable[[], Awaitable[list[Any]]]:
    """A poll of `expr` (for `eventually`)."""
    return lambda: query(prometheus, expr)


async def firing(prometheus: PrometheusServer, alertname: str) -> list[dict[str, Any]]:
    """The firing alerts named `alertname`."""
    alerts = await asyncio.to_thread(prometheus.alerts)
    return [
        alert
        for alert in alerts
        if alert["labels"]["alertname"] == alertname and alert["state"] == "firing"
    ]
