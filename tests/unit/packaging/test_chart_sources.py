"""The chart's copies of the repository's single sources (the CRD, the operator's RBAC) match."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from localinfra.paths import REPO_ROOT

CHART = REPO_ROOT / "charts" / "shopkeeper"
SYNC_COMMAND = (
    "cp crds/*.shopkeeper.dev.yaml charts/shopkeeper/files/crds/ && "
    "cp k8s/operator/rbac.yaml charts/shopkeeper/files/operator-rbac.yaml"
)
OPERATOR_BASE = REPO_ROOT / "k8s" / "operator"


def crd_files(folder: Path) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes()
        for path in sorted(folder.glob("*.yaml"))
        if (yaml.safe_load(path.read_text()) or {}).get("kind") == "CustomResourceDefinition"
    }


def test_the_chart_ships_exactly_the_crds_of_the_repository() -> None:
    source = crd_files(REPO_ROOT / "crds")
    assert source, "crds/ holds no CustomResourceDefinition"
    copied = {path.name: path.read_bytes() for path in (CHART / "files" / "crds").glob("*")}
    assert copied == source, f"the chart's CRD copy is stale: run `{SYNC_COMMAND}`"


def test_the_chart_runs_the_operator_with_the_rbac_of_the_kustomize_base() -> None:
    copied = (CHART / "files" / "operator-rbac.yaml").read_bytes()
    assert copied == (OPERATOR_BASE / "rbac.yaml").read_bytes(), (
        f"the chart's RBAC copy is stale: run `{SYNC_COMMAND}`"
    )


def custom_resource_definitions(path: Path) -> list[dict[str, Any]]:
    return [
        doc
        for doc in yaml.safe_load_all(path.read_text())
        if doc and doc.get("kind") == "CustomResourceDefinition"
    ]


def test_helms_install_once_crds_folder_holds_only_kopfs_peering_crds() -> None:
    shipped = [
        crd
        for path in sorted((CHART / "crds").glob("*.yaml"))
        for crd in custom_resource_definitions(path)
    ]
    assert {crd["spec"]["group"] for crd in shipped} == {"kopf.dev"}
    assert shipped == custom_resource_definitions(OPERATOR_BASE / "peering.yaml"), (
        "charts/shopkeeper/crds/kopf-peering.yaml differs from k8s/operator/peering.yaml's CRDs"
    )


def dashboards() -> list[Path]:
    return sorted((CHART / "dashboards").glob("*.json"))


def test_the_chart_ships_dashboards() -> None:
    assert {path.stem for path in dashboards()} >= {"shop-overview", "outbox-kafka", "operator"}


@pytest.mark.parametrize("path", dashboards(), ids=lambda path: path.stem)
def test_each_dashboard_has_a_stable_uid_and_a_fixed_prometheus_datasource(path: Path) -> None:
    dashboard: dict[str, Any] = json.loads(path.read_text())
    assert dashboard["uid"].startswith("shopkeeper-")
    assert dashboard["title"].startswith("Shopkeeper")
    datasources = [
        panel.get("datasource") for panel in dashboard["panels"] if panel.get("type") != "row"
    ] + [
        target.get("datasource")
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
    ]
    assert datasources
    assert all(ds == {"type": "prometheus", "uid": "prometheus"} for ds in datasources)


@pytest.mark.parametrize("path", dashboards(), ids=lambda path: path.stem)
def test_each_dashboard_has_unique_panel_ids(path: Path) -> None:
    ids = [panel["id"] for panel in json.loads(path.read_text())["panels"]]
    assert len(ids) == len(set(ids))
