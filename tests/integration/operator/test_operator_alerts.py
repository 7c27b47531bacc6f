"""The PrometheusRule the operator writes holds PromQL that Prometheus' own parser accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from localinfra.promql import promql_check_binary
from shopkeeper.builders.inputs import BuildInput, Owner
from shopkeeper.builders.monitoring import alert_rules
from support.promql import parse_errors
from support.provisioned import provisioned
from unit.operator.operator_support import sample_spec


@pytest.fixture(scope="module")
def promql_check() -> Path:
    return provisioned(promql_check_binary)


def test_every_alert_of_the_platform_parses(promql_check: Path) -> None:
    spec = sample_spec()
    inp = BuildInput(Owner("shop", "shop-ns", "uid"), spec, spec.image.reference)
    expressions = [str(rule["expr"]) for rule in alert_rules(inp)]
    assert len(expressions) == 3
    assert parse_errors(promql_check, expressions) == []
