"""Every dashboard query and alert expression parses with Prometheus' own PromQL parser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from localinfra.paths import REPO_ROOT
from localinfra.promql import promql_check_binary
from support.grafana import as_prometheus_sees_it, dashboard_files, panel_queries
from support.promql import parse_errors
from support.provisioned import provisioned

CHART = REPO_ROOT / "charts" / "shopkeeper"

RenderChart = Callable[..., list[dict[str, Any]]]


@pytest.fixture(scope="module")
def promql_check() -> Path:
    return provisioned(promql_check_binary)


def test_the_checker_rejects_broken_promql(promql_check: Path) -> None:
    errors = parse_errors(promql_check, ["sum(rate(x[5m]))", "sum(rate(x[5m])"])
    assert len(errors) == 1
    assert "unclosed left parenthesis" in errors[0]


@pytest.mark.parametrize("path", dashboard_files(), ids=lambda path: path.stem)
def test_every_dashboard_query_parses(promql_check: Path, path: Path) -> None:
    queries = [as_prometheus_sees_it(expr) for _title, expr in panel_queries(path)]
    assert queries
    assert parse_errors(promql_check, queries) == []


def test_every_alert_expression_parses(promql_check: Path, render_chart: RenderChart) -> None:
    manifests = render_chart(CHART / "ci" / "monitoring-values.yaml", "pkg")
    (rule,) = [m for m in manifests if m["kind"] == "PrometheusRule"]
    expressions = [r["expr"] for group in rule["spec"]["groups"] for r in group["rules"]]
    assert len(expressions) >= 5
    assert parse_errors(promql_check, expressions) == []
