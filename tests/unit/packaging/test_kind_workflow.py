"""The kind workflow uses the project's pinned tools and runs the kind test tier."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from localinfra.paths import REPO_ROOT
from localinfra.versions import parse_env_file

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "e2e-kind.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return loaded


def commands(workflow: dict[str, Any]) -> list[str]:
    return [step.get("run", "") for step in workflow["jobs"]["kind"]["steps"]]


def test_the_tools_are_the_versions_the_project_pins(workflow: dict[str, Any]) -> None:
    pins = parse_env_file((REPO_ROOT / "hack" / "versions.env").read_text())
    assert workflow["env"]["UV_VERSION"] == pins["UV_VERSION"]
    assert workflow["env"]["HELM_VERSION"] == pins["HELM_VERSION"]


def test_it_creates_the_cluster_runs_the_kind_tier_and_always_cleans_up(
    workflow: dict[str, Any],
) -> None:
    runs = commands(workflow)
    assert any("k8s/kind/cluster.sh up" in run for run in runs)
    assert any("pytest -m kind tests/kind" in run for run in runs)
    (cleanup,) = [
        s for s in workflow["jobs"]["kind"]["steps"] if "cluster.sh down" in s.get("run", "")
    ]
    assert cleanup["if"] == "always()"


def test_it_installs_from_the_lock_file(workflow: dict[str, Any]) -> None:
    assert any("uv sync --frozen" in run for run in commands(workflow))
