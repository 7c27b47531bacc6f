"""Dashboard queries as Grafana sends them to Prometheus."""

from __future__ import annotations

import json
import re
from pathlib import Path

from localinfra.paths import REPO_ROOT

DASHBOARDS = REPO_ROOT / "charts" / "shopkeeper" / "dashboards"
GRAFANA_DURATIONS = re.compile(r"\$__(rate_interval|interval|range)\b")
GRAFANA_VARIABLE = re.compile(r"\$\{?\w+\}?")


def dashboard_files() -> list[Path]:
    """Every dashboard the chart ships."""
    return sorted(DASHBOARDS.glob("*.json"))


def panel_queries(path: Path) -> list[tuple[str, str]]:
    """(panel title, PromQL as Grafana writes it) of every panel target of a dashboard."""
    dashboard = json.loads(path.read_text())
    return [
        (panel.get("title", ""), target["expr"])
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
    ]


def as_prometheus_sees_it(grafana_expr: str, window: str = "5m") -> str:
    """Grafana's variables replaced the way Grafana does before sending the query: every
    variable matches anything (`.*`, "All"), every interval variable is `window`."""
    return GRAFANA_VARIABLE.sub(".*", GRAFANA_DURATIONS.sub(window, grafana_expr))
