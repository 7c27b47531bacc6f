"""The chart's alerting and recording rules as a Prometheus rule file, for a local Prometheus.

`helm template` renders the chart's PrometheusRule (the same one the packaging tests check
with promtool); its `spec.groups` is a rule file as it stands. Chart values may change the
rules' timing (`for`, `sagaTimeoutWindow`), never their expressions' meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from localinfra.errors import InfraError
from localinfra.helm import helm_binary
from localinfra.paths import REPO_ROOT
from localinfra.process import run_checked

CHART = REPO_ROOT / "charts" / "shopkeeper"
RULE_TEMPLATE = "templates/prometheusrule.yaml"
VALUES_PREFIX = "metrics.prometheusRule"


def rule_groups(namespace: str, values: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The rendered rule groups; `values` are set under `metrics.prometheusRule` (`for: 0s`)."""
    settings = {"enabled": "true", **(values or {})}
    argv = [str(helm_binary()), "template", "shopkeeper", str(CHART), "--namespace", namespace]
    argv += ["--show-only", RULE_TEMPLATE]
    for key, value in settings.items():
        argv += ["--set-string" if key != "enabled" else "--set", f"{VALUES_PREFIX}.{key}={value}"]
    manifest = yaml.safe_load(run_checked(argv, what="helm template (rules)"))
    if not manifest or manifest.get("kind") != "PrometheusRule":
        raise InfraError(f"{RULE_TEMPLATE} rendered no PrometheusRule")
    groups: list[dict[str, Any]] = manifest["spec"]["groups"]
    return groups


def write_rule_file(path: Path, namespace: str, values: Mapping[str, str] | None = None) -> Path:
    """Render the rules into `path` (a Prometheus rule file); returns it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"groups": rule_groups(namespace, values)}, sort_keys=False))
    return path
