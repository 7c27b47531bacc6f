"""Fixtures of the operator's integration tests: our CRD on the real API server, the operator."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from lightkube import Client
from lightkube.codecs import from_dict
from lightkube.models.authentication_v1 import TokenRequestSpec
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.apiextensions_v1 import CustomResourceDefinition
from lightkube.resources.core_v1 import ServiceAccount

from integration.operator.kube_support import REPO
from integration.operator.operator_runner import RunningOperator, start_operator
from localinfra.kube import ControlPlane
from localinfra.kustomize import kustomize_binary
from shopkeeper.crd import crd
from support.kube import admin_client, fresh_namespace
from support.polling import wait_until

CRD_TIMEOUT = 60.0
SYSTEM_NAMESPACE = "shopkeeper-system"


@pytest.fixture(scope="session")
def shop_cluster(kube_upstream_crds: ControlPlane) -> ControlPlane:
    """The control plane with the upstream CRDs and the EcommercePlatform CRD Established."""
    with admin_client(kube_upstream_crds) as kube:
        kube.apply(CustomResourceDefinition.from_dict(crd()), force=True)  # type: ignore[call-overload]

        def established() -> bool:
            got = kube.get(CustomResourceDefinition, crd()["metadata"]["name"])
            conditions = (got.status.conditions or []) if got.status else []
            return any(x.type == "Established" and x.status == "True" for x in conditions)

        wait_until(established, within=CRD_TIMEOUT, what="the EcommercePlatform CRD Established")
    return kube_upstream_crds


@pytest.fixture(scope="session")
def kube(shop_cluster: ControlPlane) -> Iterator[Client]:
    """An admin client of the control plane (the tests' kubectl)."""
    with admin_client(shop_cluster) as client:
        yield client


@pytest.fixture
def namespace(kube: Client) -> Iterator[str]:
    """A fresh namespace per test."""
    with fresh_namespace(kube, "op") as name:
        yield name


@pytest.fixture
def operator(shop_cluster: ControlPlane, namespace: str) -> Iterator[RunningOperator]:
    """The operator serving the test's namespace, for one test."""
    running = start_operator(shop_cluster, namespace)
    with running.runner:
        yield running


def _operator_base() -> list[dict[str, Any]]:
    built = subprocess.run(
        [str(kustomize_binary()), "build", str(REPO / "k8s" / "operator")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [doc for doc in yaml.safe_load_all(built) if doc]


@pytest.fixture(scope="session")
def operator_kubeconfig(
    kube: Client, shop_cluster: ControlPlane, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """k8s/operator installed; a kubeconfig with a token of its ServiceAccount (its RBAC)."""
    for manifest in _operator_base():
        kube.apply(from_dict(manifest), force=True)
        if manifest["kind"] == "CustomResourceDefinition":
            kube.wait(
                CustomResourceDefinition,
                manifest["metadata"]["name"],
                for_conditions=["Established"],
            )
    token: Any = kube.create(
        ServiceAccount.Token(
            metadata=ObjectMeta(name="shopkeeper-operator", namespace=SYSTEM_NAMESPACE),
            spec=TokenRequestSpec(audiences=[], expirationSeconds=3600),
        ),
        name="shopkeeper-operator",
        namespace=SYSTEM_NAMESPACE,
    )
    admin = yaml.safe_load(shop_cluster.kubeconfig.read_text())
    cluster = admin["clusters"][0]["cluster"]
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": "operator",
        "clusters": [{"name": "local", "cluster": cluster}],
        "users": [{"name": "operator", "user": {"token": token.status.token}}],
        "contexts": [{"name": "operator", "context": {"cluster": "local", "user": "operator"}}],
    }
    path = tmp_path_factory.mktemp("operator") / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    return path
