"""Dashboards and alerts query only metrics that the code really exports.

The metric definitions are found in the source (every prometheus_client constructor call in
services/ and operator/), then re-created with prometheus_client in a throwaway registry, so the
exposed series names (`_total`, `_bucket`, `_created`, ...) come from the library itself. The
standard process, platform and GC collectors of `new_registry()` are added the same way.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import prometheus_client
import pytest
from prometheus_client import CollectorRegistry

from localinfra.paths import REPO_ROOT
from shop.common.metrics_http import new_registry

CHART = REPO_ROOT / "charts" / "shopkeeper"
SOURCE_ROOTS = (REPO_ROOT / "services" / "shop", REPO_ROOT / "operator" / "shopkeeper")
METRIC_TYPES = ("Counter", "Gauge", "Histogram", "Summary", "Info", "Enum")
# Series Prometheus itself adds to every scrape target.
PROMETHEUS_SERIES = frozenset({"up", "scrape_duration_seconds", "scrape_samples_scraped"})

PROMQL_KEYWORDS = frozenset(
    {
        "and",
        "or",
        "unless",
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "bool",
        "offset",
        "inf",
        "nan",
        "atan2",
    }
)
LABEL_LIST = re.compile(
    r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", re.IGNORECASE
)
IDENTIFIER = re.compile(r"(?<![\w:.])([A-Za-z_:][A-Za-z0-9_:]*)(?![\w:(])(?!\s*\()")


def prometheus_names(tree: ast.Module) -> tuple[dict[str, str], set[str]]:
    """Local names of prometheus_client's metric classes, and aliases of the module itself."""
    classes: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "prometheus_client":
            classes |= {a.asname or a.name: a.name for a in node.names if a.name in METRIC_TYPES}
        elif isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name == "prometheus_client"}
    return classes, modules


def metric_definitions() -> Iterator[tuple[str, str, Path]]:
    """(metric class, metric name, file) of every prometheus_client metric the source defines."""
    for root in SOURCE_ROOTS:
        for path in sorted(root.rglob("*.py")):
            yield from definitions_in(path)


def definitions_in(path: Path) -> Iterator[tuple[str, str, Path]]:
    """The prometheus_client metrics one module defines."""
    tree = ast.parse(path.read_text(), filename=str(path))
    classes, modules = prometheus_names(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in classes:
            constructor = classes[func.id]
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in METRIC_TYPES
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
        ):
            constructor = func.attr
        else:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            raise AssertionError(f"{path}: a {constructor} whose name is not a literal")
        yield constructor, first.value, path


def exposed_series() -> set[str]:
    """Names of every series the code can expose, as prometheus_client writes them."""
    registry = new_registry()
    for constructor, name, _ in metric_definitions():
        metric_class = getattr(prometheus_client, constructor)
        extra: dict[str, Any] = {"states": ["a"]} if constructor == "Enum" else {}
        metric_class(name, "cross-check", registry=registry, **extra)
    sample_names = {sample.name for family in registry.collect() for sample in family.samples}
    family_names = {family.name for family in registry.collect()}
    return sample_names | family_names


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects (Grafana and Helm syntax removed)."""
    text = re.sub(r"\{\{.*?\}\}", " 0 ", expr)  # Helm template actions
    text = re.sub(r"\$\{?\w+\}?", " ", text)  # Grafana variables
    text = re.sub(r'"(?:[^"\\]|\\.)*"' r"|'(?:[^'\\]|\\.)*'", " ", text)  # strings
    text = re.sub(r"\{[^}]*\}", " ", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)  # ranges and subqueries
    text = LABEL_LIST.sub(" ", text)
    text = re.sub(r"\b\d+(\.\d+)?(e[+-]?\d+)?\b", " ", text)
    return {token for token in IDENTIFIER.findall(text) if token.lower() not in PROMQL_KEYWORDS}


def dashboard_queries(path: Path) -> Iterator[str]:
    dashboard = json.loads(path.read_text())
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            yield target["expr"]
    for variable in dashboard.get("templating", {}).get("list", []):
        query = variable.get("query")
        query = query.get("query", "") if isinstance(query, dict) else (query or "")
        inner = re.fullmatch(r"\s*label_values\((.*),\s*\w+\s*\)\s*", query)
        if inner:
            yield inner.group(1)


def alert_expressions() -> Iterator[str]:
    """`expr:` of every rule in the chart's PrometheusRule template."""
    text = (CHART / "templates" / "prometheusrule.yaml").read_text()
    for match in re.finditer(r"^(\s*)expr:\s*(\|-?|>-?)?\s*(.*)$", text, re.MULTILINE):
        indent, block, rest = len(match.group(1)), match.group(2), match.group(3)
        if not block:
            yield rest
            continue
        lines = []
        for line in text[match.end() :].splitlines()[1:]:
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                break
            lines.append(line)
        yield "\n".join(lines)


def test_metric_names_are_found_in_promql() -> None:
    expr = (
        'sum by (service) (rate(shop_http_requests_total{status=~"5.."}[$__rate_interval]))'
        " / on(service) group_left sum(rate(shop_http_requests_total[5m])) > "
        "{{ .Values.x }} and histogram_quantile(0.95, sum by (le) "
        "(rate(shop_consumer_handling_seconds_bucket[5m]))) unless up == bool 0"
    )
    assert metric_names(expr) == {
        "shop_http_requests_total",
        "shop_consumer_handling_seconds_bucket",
        "up",
    }


def test_only_prometheus_client_metrics_are_found(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "from collections import Counter\n"
        "import prometheus_client as prom\n"
        "from prometheus_client import Counter as PromCounter\n"
        "words = Counter('not a metric')\n"
        "a = PromCounter('shop_a', 'doc')\n"
        "b = prom.Gauge('shop_b', 'doc')\n"
    )
    assert [(kind, name) for kind, name, _ in definitions_in(module)] == [
        ("Counter", "shop_a"),
        ("Gauge", "shop_b"),
    ]


def test_the_source_defines_the_shop_and_operator_metrics() -> None:
    series = exposed_series()
    assert "shop_http_requests_total" in series
    assert "shop_http_request_duration_seconds_bucket" in series
    assert "process_cpu_seconds_total" in series
    assert any(name.startswith("shopkeeper_") for name in series)


@pytest.mark.parametrize(
    "path", sorted((CHART / "dashboards").glob("*.json")), ids=lambda path: path.stem
)
def test_every_dashboard_query_uses_only_exported_metrics(path: Path) -> None:
    known = exposed_series() | PROMETHEUS_SERIES
    queries = list(dashboard_queries(path))
    assert queries
    used = set().union(*(metric_names(query) for query in queries))
    assert used
    assert sorted(used - known) == []


def test_every_alert_uses_only_exported_metrics() -> None:
    known = exposed_series() | PROMETHEUS_SERIES
    expressions = list(alert_expressions())
    assert len(expressions) >= 5
    used = set().union(*(metric_names(expr) for expr in expressions))
    assert sorted(used - known) == []


def test_a_fresh_registry_exposes_what_the_source_says() -> None:
    """The source scan finds the same metrics as the classes that define them at runtime."""
    from shop.common.consumer.metrics import ConsumerMetrics
    from shop.common.metrics_http import HttpMetrics
    from shop.common.relay.metrics import RelayMetrics
    from shop.ordering.adapters.metrics import PrometheusSagaObserver
    from shopkeeper.metrics import OperatorMetrics

    registry = CollectorRegistry()
    HttpMetrics(registry)
    ConsumerMetrics(registry)
    RelayMetrics(registry, "ordering")
    PrometheusSagaObserver(registry)
    live = {family.name for family in registry.collect()}
    live |= {family.name for family in OperatorMetrics.create().registry.collect()}
    assert live <= exposed_series()
