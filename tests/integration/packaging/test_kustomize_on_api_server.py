"""Every kustomization under k8s/ and the kind platform pass a server-side dry-run; the kind
infrastructure has what the kind platform names, and Dex's pod is admitted as `restricted`; the
samples' kustomization generates the OIDC client Secret its platform names."""

from __future__ import annotations

import base64
import copy
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from lightkube import Client
from lightkube.codecs import from_dict

from localinfra.paths import REPO_ROOT
from localinfra.shop_install import restricted_namespace

K8S = REPO_ROOT / "k8s"
KUSTOMIZATIONS = sorted(
    path.parent
    for path in K8S.rglob("kustomization.yaml")
    if path.parent.relative_to(K8S).parts[0] != "samples"
)

RESTRICTED = "kind-dex-restricted"

Manifest = dict[str, Any]
KustomizeBuild = Callable[[Path], list[Manifest]]
DryRun = Callable[[Iterable[Manifest]], list[str]]


def test_there_are_install_overlays_and_kind_kustomizations() -> None:
    names = {str(path.relative_to(K8S)) for path in KUSTOMIZATIONS}
    assert {"install", "overlays/dev", "overlays/production", "kind/infra"} <= names


@pytest.mark.parametrize("directory", KUSTOMIZATIONS, ids=lambda path: str(path.relative_to(K8S)))
def test_every_built_manifest_passes_a_server_side_dry_run(
    kustomize_build: KustomizeBuild, dry_run: DryRun, directory: Path
) -> None:
    manifests = kustomize_build(directory)
    assert manifests
    assert dry_run(manifests) == []


def test_the_kind_platform_passes_a_server_side_dry_run(dry_run: DryRun) -> None:
    manifests = [m for m in yaml.safe_load_all((K8S / "kind" / "platform.yaml").read_text()) if m]
    assert [m["kind"] for m in manifests] == ["EcommercePlatform"]
    assert dry_run(manifests) == []


def test_the_kind_infra_names_are_the_ones_the_kind_platform_uses(
    kustomize_build: KustomizeBuild,
) -> None:
    infra = {(m["kind"], m["metadata"]["name"]) for m in kustomize_build(K8S / "kind" / "infra")}
    spec = yaml.safe_load((K8S / "kind" / "platform.yaml").read_text())["spec"]
    assert ("Kafka", spec["kafka"]["strimziCluster"]) in infra
    assert ("KafkaConnect", spec["outbox"]["debezium"]["connectCluster"]) in infra
    assert ("Secret", spec["database"]["external"]["credentialsSecret"]) in infra
    assert spec["database"]["external"]["host"] == "shop-db-rw"
    assert ("Cluster", "shop-db") in infra
    assert ("Secret", spec["auth"]["clientCredentialsSecret"]) in infra
    jwks_host = urlsplit(spec["auth"]["jwksUrl"]).hostname
    assert jwks_host == urlsplit(spec["auth"]["tokenUrl"]).hostname
    assert ("Service", jwks_host.split(".")[0]) in infra
    assert {("Deployment", "dex"), ("Secret", "dex-config")} <= infra


def test_the_kind_dex_pod_meets_the_restricted_pod_security_standard(
    kustomize_build: KustomizeBuild, dry_run: DryRun, kube_client: Client
) -> None:
    """The API server's PodSecurity admission judges Dex's pod in a `restricted` namespace; a
    pod outside the profile is refused there, so the check is not vacuous."""
    # A field manager of its own: the dry run's own apply of the namespace keeps the labels.
    namespace = from_dict(restricted_namespace(RESTRICTED))
    kube_client.apply(namespace, field_manager="pod-security-check", force=True)
    (dex,) = [m for m in kustomize_build(K8S / "kind" / "infra") if m["kind"] == "Deployment"]
    template = dex["spec"]["template"]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "dex", "namespace": RESTRICTED}}
    assert dry_run([pod | {"spec": template["spec"]}]) == []
    privileged = copy.deepcopy(template["spec"])
    privileged["containers"][0]["securityContext"] = {"privileged": True}
    (refused,) = dry_run([pod | {"spec": privileged}])
    assert "violates PodSecurity" in refused


def test_the_sample_kustomization_generates_the_oidc_client_secret_the_platform_names(
    kustomize_build: KustomizeBuild, dry_run: DryRun, tmp_path: Path
) -> None:
    # The env file stays out of version control: written here as a user writes it.
    for name in ("kustomization.yaml", "name-reference.yaml", "platform.yaml"):
        shutil.copy(K8S / "samples" / name, tmp_path / name)
    (tmp_path / "oidc-client.env").write_text(
        "client-id=shopkeeper-notification\nclient-secret=from-the-provider\n"
    )
    manifests = kustomize_build(tmp_path)
    (secret,) = [m for m in manifests if m["kind"] == "Secret"]
    (platform,) = [m for m in manifests if m["kind"] == "EcommercePlatform"]
    assert secret["metadata"]["name"].startswith("shop-oidc-client-")  # kustomize's content hash
    assert platform["spec"]["auth"]["clientCredentialsSecret"] == secret["metadata"]["name"]
    decoded = {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}
    assert decoded == {"client-id": "shopkeeper-notification", "client-secret": "from-the-provider"}
    for manifest in manifests:
        manifest["metadata"]["namespace"] = "shop"
    assert dry_run(manifests) == []
