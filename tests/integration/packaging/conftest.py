"""Fixtures of the packaging tests: helm, kustomize, and a real API server to dry-run against.

Every manifest the chart, the kustomize overlays and k8s/kind produce is sent to a real
kube-apiserver (with the upstream Strimzi, CloudNativePG, Prometheus Operator and KEDA CRDs, and
our own CRD) as a server-side apply with `dryRun=All`: the server runs defaulting, schema
validation (including CEL rules) and admission, then stores nothing.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from lightkube import Client, KubeConfig
from lightkube.codecs import from_dict
from lightkube.core.exceptions import ApiError, LoadResourceError
from lightkube.generic_resource import load_in_cluster_generic_resources
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.apiextensions_v1 import CustomResourceDefinition
from lightkube.resources.core_v1 import Namespace

from localinfra.helm import helm_binary
from localinfra.kube import ControlPlane
from localinfra.kustomize import kustomize_binary
from localinfra.paths import REPO_ROOT
from localinfra.versions import versions
from support.provisioned import provisioned

CHART = REPO_ROOT / "charts" / "shopkeeper"
FIELD_MANAGER = "shopkeeper-packaging-tests"

Manifest = dict[str, Any]
DryRun = Callable[[Iterable[Manifest]], list[str]]
RenderChart = Callable[..., list[Manifest]]
KustomizeBuild = Callable[[Path], list[Manifest]]


def load_manifests(text: str) -> list[Manifest]:
    """The non-empty documents of a multi-document YAML stream."""
    return [doc for doc in yaml.safe_load_all(text) if doc]


def run_tool(argv: list[str], *, cwd: Path = REPO_ROOT) -> str:
    """Run helm or kustomize; a failure shows the tool's own output."""
    result = subprocess.run(argv, capture_output=True, text=True, cwd=cwd, check=False, timeout=300)
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    return result.stdout


@pytest.fixture(scope="session")
def helm() -> Path:
    """The provisioned helm binary."""
    return provisioned(helm_binary)


@pytest.fixture(scope="session")
def kustomize() -> Path:
    """The provisioned kustomize binary."""
    return provisioned(kustomize_binary)


@pytest.fixture(scope="session")
def kube_version() -> str:
    """The Kubernetes version helm renders for: the one the test API server runs."""
    return f"v{versions().kubernetes}"


@pytest.fixture(scope="session")
def render_chart(helm: Path, kube_version: str) -> RenderChart:
    """`render_chart(values_file, namespace, *extra_helm_args)`: `helm template` of the chart."""

    def render(values: Path, namespace: str, *extra: str) -> list[Manifest]:
        return load_manifests(
            run_tool(
                [
                    str(helm),
                    "template",
                    "shopkeeper",
                    str(CHART),
                    "--namespace",
                    namespace,
                    "--kube-version",
                    kube_version,
                    "--include-crds",
                    "--values",
                    str(values),
                    *extra,
                ]
            )
        )

    return render


@pytest.fixture(scope="session")
def kustomize_build(kustomize: Path) -> KustomizeBuild:
    """`kustomize_build(directory)`: the manifests of `kustomize build`."""

    def build(directory: Path) -> list[Manifest]:
        return load_manifests(run_tool([str(kustomize), "build", str(directory)]))

    return build


CRD_SOURCES = (REPO_ROOT / "crds", CHART / "crds")


def install_our_crds(client: Client) -> None:
    """Apply our CRD and kopf's peering CRDs for real and wait until the API server serves them."""
    for path in sorted(p for folder in CRD_SOURCES for p in folder.glob("*.yaml")):
        for manifest in load_manifests(path.read_text()):
            if manifest.get("kind") != "CustomResourceDefinition":
                continue
            client.apply(from_dict(manifest), force=True)
            client.wait(
                CustomResourceDefinition,
                manifest["metadata"]["name"],
                for_conditions=["Established"],
            )


@pytest.fixture(scope="session")
def kube_client(kube_upstream_crds: ControlPlane) -> Iterator[Client]:
    """A lightkube client of the API server with the upstream CRDs and ours installed.

    It knows every kind served by a CRD, so any manifest can be sent through it.
    """
    client = Client(
        KubeConfig.from_file(kube_upstream_crds.kubeconfig), field_manager=FIELD_MANAGER
    )
    install_our_crds(client)
    load_in_cluster_generic_resources(client)
    yield client
    client.close()


def ensure_namespace(client: Client, name: str) -> None:
    """Create a namespace for real: dry-runs of namespaced objects need it to exist."""
    client.apply(Namespace(metadata=ObjectMeta(name=name)), force=True)


def describe(manifest: Manifest) -> str:
    meta = manifest.get("metadata", {})
    where = f"{meta['namespace']}/" if meta.get("namespace") else ""
    return f"{manifest.get('kind')} {where}{meta.get('name')}"


@pytest.fixture(scope="session")
def dry_run(kube_client: Client) -> DryRun:
    """Server-side apply every manifest with dryRun=All; returns one line per rejection."""

    def apply_all(manifests: Iterable[Manifest]) -> list[str]:
        errors: list[str] = []
        for manifest in manifests:
            namespace = manifest.get("metadata", {}).get("namespace")
            if namespace:
                ensure_namespace(kube_client, namespace)
            try:
                resource = from_dict(manifest)
                kube_client.apply(resource, dry_run=True, force=True)
            except LoadResourceError as err:
                errors.append(f"{describe(manifest)}: no such kind on the server ({err})")
            except ApiError as err:
                errors.append(f"{describe(manifest)}: {err.status.code} {err.status.message}")
        return errors

    return apply_all
