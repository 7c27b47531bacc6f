"""What convergence cost: CPU seconds per process, and the operator's own counters."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterable

import psutil

from localinfra.process import ManagedProcess

_SAMPLE = re.compile(r"^(?P<name>[a-z_]+)(?:\{[^}]*\})? (?P<value>[0-9.e+-]+)$")
COUNTERS = {
    "reconciles": "shopkeeper_reconcile_duration_seconds_count",
    "reconcile_seconds": "shopkeeper_reconcile_duration_seconds_sum",
    "writes": "shopkeeper_child_writes_total",
}
"""Figures in the JSON line: each the sum of a metric's samples on the operator's /metrics."""


def cpu_seconds(processes: Iterable[ManagedProcess]) -> dict[str, float]:
    """User plus system CPU seconds each running process has used so far, by name."""
    used: dict[str, float] = {}
    for process in processes:
        if process.pid is None or not process.running():
            continue
        times = psutil.Process(process.pid).cpu_times()
        used[process.name] = times.user + times.system
    return used


def cpu_since(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds used between two `cpu_seconds` readings, rounded."""
    return {name: round(after[name] - before.get(name, 0.0), 1) for name in after}


def operator_counters(metrics_url: str) -> dict[str, float]:
    """The `COUNTERS` figures read from the operator's /metrics page."""
    with urllib.request.urlopen(metrics_url, timeout=10) as response:
        page = response.read().decode()
    totals = dict.fromkeys(COUNTERS, 0.0)
    names = {metric: figure for figure, metric in COUNTERS.items()}
    for line in page.splitlines():
        match = _SAMPLE.match(line)
        if match and match["name"] in names:
            totals[names[match["name"]]] += float(match["value"])
    return {figure: round(value, 1) for figure, value in totals.items()}
