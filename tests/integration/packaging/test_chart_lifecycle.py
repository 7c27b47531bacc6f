"""helm install, upgrade and uninstall on a real API server of its own: the CRD follows upgrades
and outlives the release.

A control plane of this module's own, because the release must own the CRD (the shared one
already has it, installed by other tests).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from lightkube import Client, KubeConfig
from lightkube.resources.apiextensions_v1 import CustomResourceDefinition
from lightkube.resources.apps_v1 import Deployment

from localinfra.kube import ControlPlane
from localinfra.paths import REPO_ROOT
from support.kube import control_plane

CHART = REPO_ROOT / "charts" / "shopkeeper"
CRD_NAME = "ecommerceplatforms.shopkeeper.dev"
NAMESPACE = "shopkeeper-system"
ADDED_COLUMN = "Phase"


@pytest.fixture(scope="module")
def own_control_plane(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlPlane]:
    with control_plane(tmp_path_factory.mktemp("helm-lifecycle")) as plane:
        yield plane


@pytest.fixture(scope="module")
def older_chart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The chart as an earlier release: its CRD lacks one printer column."""
    chart = tmp_path_factory.mktemp("older") / "shopkeeper"
    shutil.copytree(CHART, chart)
    for path in (chart / "files" / "crds").glob("*.yaml"):
        crd = yaml.safe_load(path.read_text())
        for version in crd["spec"]["versions"]:
            version["additionalPrinterColumns"] = [
                column
                for column in version["additionalPrinterColumns"]
                if column["name"] != ADDED_COLUMN
            ]
        path.write_text(yaml.safe_dump(crd))
    return chart


def helm_run(helm: Path, plane: ControlPlane, *args: str) -> str:
    result = subprocess.run(
        [str(helm), *args, "--kubeconfig", str(plane.kubeconfig)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, f"helm {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def printer_columns(client: Client) -> list[str]:
    crd = client.get(CustomResourceDefinition, CRD_NAME)
    columns: list[Any] = crd.spec.versions[0].additionalPrinterColumns or []
    return [column.name for column in columns]


def test_upgrade_updates_the_crd_and_uninstall_keeps_it(
    helm: Path, own_control_plane: ControlPlane, older_chart: Path
) -> None:
    client = Client(KubeConfig.from_file(own_control_plane.kubeconfig))
    helm_run(
        helm,
        own_control_plane,
        "install",
        "shopkeeper",
        str(older_chart),
        "--namespace",
        NAMESPACE,
        "--create-namespace",
    )
    assert ADDED_COLUMN not in printer_columns(client)
    assert client.get(Deployment, "shopkeeper-operator", namespace=NAMESPACE)

    helm_run(helm, own_control_plane, "upgrade", "shopkeeper", str(CHART), "--namespace", NAMESPACE)
    assert ADDED_COLUMN in printer_columns(client)

    helm_run(helm, own_control_plane, "uninstall", "shopkeeper", "--namespace", NAMESPACE)
    kept = client.get(CustomResourceDefinition, CRD_NAME).metadata
    assert kept is not None
    assert kept.name == CRD_NAME
    assert not list(client.list(Deployment, namespace=NAMESPACE))
