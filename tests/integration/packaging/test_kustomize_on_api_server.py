"""Every kustomization under k8s/ and the kind platform pass a server-side dry-run; the
samples' kustomization generates the OIDC client Secret its platform names."""

from __future__ import annotations

import base64
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from localinfra.paths import REPO_ROOT

K8S = REPO_ROOT / "k8s"
KUSTOMIZATIONS = sorted(
    path.parent
    for path in K8S.rglob("kustomization.yaml")
    if path.parent.relative_to(K8S).parts[0] != "samples"
)

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
