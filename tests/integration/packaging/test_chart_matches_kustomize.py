"""The chart and the kustomize install run the same operator with the same permissions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from localinfra.paths import REPO_ROOT

CHART = REPO_ROOT / "charts" / "shopkeeper"

Manifest = dict[str, Any]
RenderChart = Callable[..., list[Manifest]]
KustomizeBuild = Callable[[Path], list[Manifest]]


def one(manifests: list[Manifest], kind: str) -> Manifest:
    (found,) = [m for m in manifests if m["kind"] == kind]
    return found


def container(deployment: Manifest) -> dict[str, Any]:
    containers: list[dict[str, Any]] = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def settings(manifests: list[Manifest]) -> dict[str, str]:
    """The operator's effective SHOPKEEPER_* environment: ConfigMaps it loads, then env."""
    operator = container(one(manifests, "Deployment"))
    config_maps = {
        m["metadata"]["name"]: m.get("data", {}) for m in manifests if m["kind"] == "ConfigMap"
    }
    env: dict[str, str] = {}
    for source in operator.get("envFrom", []):
        env.update(config_maps[source["configMapRef"]["name"]])
    env.update({e["name"]: e["value"] for e in operator.get("env", []) if "value" in e})
    return {key: value for key, value in env.items() if key.startswith("SHOPKEEPER_")}


@pytest.fixture(scope="module")
def chart(render_chart: RenderChart) -> list[Manifest]:
    return render_chart(CHART / "ci" / "default-values.yaml", "shopkeeper-system")


@pytest.fixture(scope="module")
def kustomized(kustomize_build: KustomizeBuild) -> list[Manifest]:
    return kustomize_build(REPO_ROOT / "k8s" / "install")


def test_the_cluster_roles_grant_the_same_rules(
    chart: list[Manifest], kustomized: list[Manifest]
) -> None:
    assert one(chart, "ClusterRole")["rules"] == one(kustomized, "ClusterRole")["rules"]


def test_the_operators_run_the_same_command_and_ports(
    chart: list[Manifest], kustomized: list[Manifest]
) -> None:
    ours, theirs = container(one(chart, "Deployment")), container(one(kustomized, "Deployment"))
    assert ours["command"] + ours.get("args", []) == theirs["command"] + theirs.get("args", [])
    assert {p["name"]: p["containerPort"] for p in ours["ports"]} == {
        p["name"]: p["containerPort"] for p in theirs["ports"]
    }
    assert ours["livenessProbe"]["httpGet"] == theirs["livenessProbe"]["httpGet"]


def test_the_operators_read_the_same_settings(
    chart: list[Manifest], kustomized: list[Manifest]
) -> None:
    ours, theirs = settings(chart), settings(kustomized)
    assert {k: v for k, v in ours.items() if k in theirs} == theirs
    assert ours["SHOPKEEPER_NAMESPACES"] == "[]"


def test_the_operators_are_equally_locked_down(
    chart: list[Manifest], kustomized: list[Manifest]
) -> None:
    ours, theirs = one(chart, "Deployment"), one(kustomized, "Deployment")
    assert container(ours)["securityContext"] == container(theirs)["securityContext"]
    pod_ours = ours["spec"]["template"]["spec"]["securityContext"]
    pod_theirs = theirs["spec"]["template"]["spec"]["securityContext"]
    assert {k: pod_ours[k] for k in pod_theirs} == pod_theirs
