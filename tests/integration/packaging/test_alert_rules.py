"""The chart's alerting rules pass `promtool check rules` and their unit tests
(alert-rules-test.yaml: synthetic series in, expected alerts with labels and annotations out)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from localinfra.paths import REPO_ROOT
from localinfra.prometheus_package import promtool_binary
from support.provisioned import provisioned

CHART = REPO_ROOT / "charts" / "shopkeeper"
RULE_TESTS = Path(__file__).with_name("alert-rules-test.yaml")

RenderChart = Callable[..., list[dict[str, Any]]]


@pytest.fixture(scope="module")
def promtool() -> Path:
    return provisioned(promtool_binary)


@pytest.fixture(scope="module")
def rules_dir(render_chart: RenderChart, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """rules.yaml (the rendered PrometheusRule's groups) beside a copy of the rule tests."""
    manifests = render_chart(CHART / "ci" / "monitoring-values.yaml", "pkg")
    (rule,) = [m for m in manifests if m["kind"] == "PrometheusRule"]
    directory = tmp_path_factory.mktemp("alerts")
    (directory / "rules.yaml").write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}))
    shutil.copy(RULE_TESTS, directory / RULE_TESTS.name)
    return directory


def promtool_run(promtool: Path, directory: Path, *args: str) -> str:
    result = subprocess.run(
        [str(promtool), *args],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_promtool_accepts_the_rules(promtool: Path, rules_dir: Path) -> None:
    assert "SUCCESS" in promtool_run(promtool, rules_dir, "check", "rules", "rules.yaml")


def test_every_alert_has_a_unit_test(rules_dir: Path) -> None:
    groups = yaml.safe_load((rules_dir / "rules.yaml").read_text())["groups"]
    alerts = {rule["alert"] for group in groups for rule in group["rules"]}
    tests = yaml.safe_load(RULE_TESTS.read_text())["tests"]
    tested = {
        case["alertname"]
        for test in tests
        for case in test["alert_rule_test"]
        if case["exp_alerts"]
    }
    assert sorted(alerts - tested) == []


def test_the_alerts_fire_as_their_unit_tests_expect(promtool: Path, rules_dir: Path) -> None:
    assert "SUCCESS" in promtool_run(promtool, rules_dir, "test", "rules", RULE_TESTS.name)
