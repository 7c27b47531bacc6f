"""The chart lints, and every ci/ scenario renders to manifests the real API server accepts."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from localinfra.paths import REPO_ROOT

CHART = REPO_ROOT / "charts" / "shopkeeper"
SCENARIOS = sorted(CHART.glob("ci/*-values.yaml"))
DEFAULT = CHART / "ci" / "default-values.yaml"

Manifest = dict[str, Any]
RenderChart = Callable[..., list[Manifest]]
DryRun = Callable[[Iterable[Manifest]], list[str]]


def scenario_id(path: Path) -> str:
    return path.name.removesuffix("-values.yaml")


def of_kind(manifests: list[Manifest], kind: str) -> list[Manifest]:
    return [m for m in manifests if m["kind"] == kind]


@pytest.mark.parametrize("values", SCENARIOS, ids=scenario_id)
def test_helm_lint_is_clean(helm: Path, kube_version: str, values: Path) -> None:
    result = subprocess.run(
        [
            str(helm),
            "lint",
            str(CHART),
            "--strict",
            "--values",
            str(values),
            "--kube-version",
            kube_version,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[WARNING]" not in result.stdout
    assert "[ERROR]" not in result.stdout


@pytest.mark.parametrize("values", SCENARIOS, ids=scenario_id)
def test_every_rendered_manifest_passes_a_server_side_dry_run(
    render_chart: RenderChart, dry_run: DryRun, values: Path
) -> None:
    manifests = render_chart(values, f"pkg-{scenario_id(values)}")
    assert manifests
    assert dry_run(manifests) == []


def test_the_crd_ships_in_templates_and_is_kept_on_uninstall(render_chart: RenderChart) -> None:
    crds = [
        crd
        for crd in of_kind(render_chart(DEFAULT, "pkg"), "CustomResourceDefinition")
        if crd["spec"]["group"] == "shopkeeper.dev"
    ]
    assert [crd["metadata"]["name"] for crd in crds] == ["ecommerceplatforms.shopkeeper.dev"]
    assert crds[0]["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    # Helm never upgrades a chart's crds/ folder: our CRD must not be there.
    assert not [p for p in (CHART / "crds").glob("*") if "group: shopkeeper.dev" in p.read_text()]


def test_dashboards_are_config_maps_labelled_for_grafanas_sidecar(
    render_chart: RenderChart,
) -> None:
    manifests = render_chart(CHART / "ci" / "monitoring-values.yaml", "pkg")
    dashboards = [
        m
        for m in of_kind(manifests, "ConfigMap")
        if m["metadata"]["labels"].get("grafana_dashboard") == "1"
    ]
    shipped = sorted(path.name for path in (CHART / "dashboards").glob("*.json"))
    assert shipped
    assert sorted(key for m in dashboards for key in m["data"]) == shipped


def test_monitoring_off_renders_no_monitoring_objects(render_chart: RenderChart) -> None:
    manifests = render_chart(CHART / "ci" / "monitoring-off-values.yaml", "pkg")
    assert not {m["kind"] for m in manifests} & {"ServiceMonitor", "PrometheusRule"}
    assert not [
        m for m in of_kind(manifests, "ConfigMap") if "grafana_dashboard" in m["metadata"]["labels"]
    ]


def test_a_config_change_rolls_the_operator_pod(render_chart: RenderChart) -> None:
    def checksum(*extra: str) -> Any:
        deployment = of_kind(render_chart(DEFAULT, "pkg", *extra), "Deployment")[0]
        return deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"]

    assert checksum() != checksum("--set", "operator.config.SHOPKEEPER_RESYNC_SECONDS=60")


def helm_template(helm: Path, kube_version: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`helm template` of the chart with `args`, failing or not."""
    return subprocess.run(
        [str(helm), "template", "shopkeeper", str(CHART), "--kube-version", kube_version, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_schema_refuses_an_unknown_value(helm: Path, kube_version: str) -> None:
    result = helm_template(helm, kube_version, "--set", "operator.replicaz=2")
    assert result.returncode != 0
    assert "replicaz" in result.stderr


def test_the_tilt_values_render_manifests_the_api_server_accepts(
    render_chart: RenderChart, dry_run: DryRun
) -> None:
    manifests = render_chart(REPO_ROOT / "k8s" / "kind" / "tilt-values.yaml", "pkg-tilt")
    deployments = of_kind(manifests, "Deployment")
    assert [d["metadata"]["name"] for d in deployments] == ["shopkeeper-operator"]
    assert deployments[0]["spec"]["template"]["spec"]["containers"][0]["command"] == ["watchfiles"]
    assert dry_run(manifests) == []


def test_the_release_creates_the_oidc_client_secret_that_the_platform_names(
    render_chart: RenderChart,
) -> None:
    manifests = render_chart(CHART / "ci" / "with-platform-values.yaml", "pkg")
    (secret,) = of_kind(manifests, "Secret")
    (platform,) = of_kind(manifests, "EcommercePlatform")
    assert secret["metadata"]["namespace"] == platform["metadata"]["namespace"]
    assert secret["stringData"] == {
        "client-id": "shopkeeper-notification",
        "client-secret": "ci-only-secret",
    }
    assert platform["spec"]["auth"]["clientCredentialsSecret"] == secret["metadata"]["name"]
    assert platform["spec"]["auth"]["issuer"] == "https://id.example.com/dex"


def test_the_oidc_client_secret_needs_its_secret(helm: Path, kube_version: str) -> None:
    values = str(CHART / "ci" / "with-platform-values.yaml")
    result = helm_template(
        helm, kube_version, "--values", values, "--set", "platform.oidcClient.clientSecret="
    )
    assert result.returncode != 0
    assert "platform.oidcClient.clientSecret is required" in result.stderr
