"""Fixtures of the operator's integration tests: our CRD on the real API server, the operator."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from lightkube import Client, KubeConfig
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.apiextensions_v1 import CustomResourceDefinition
from lightkube.resources.core_v1 import Namespace

from integration.operator.operator_runner import RunningOperator, start_operator
from localinfra.kube import ControlPlane
from shopkeeper.crd import crd
from support.polling import wait_until

CRD_TIMEOUT = 60.0


@pytest.fixture(scope="session")
def shop_cluster(kube_upstream_crds: ControlPlane) -> ControlPlane:
    """The control plane with the upstream CRDs and the EcommercePlatform CRD Established."""
    config = KubeConfig.from_file(kube_upstream_crds.kubeconfig)
    with Client(config=config, field_manager="shopkeeper-tests") as kube:
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
    config = KubeConfig.from_file(shop_cluster.kubeconfig)
    with Client(config=config, field_manager="shopkeeper-tests") as client:
        yield client


@pytest.fixture
def namespace(kube: Client) -> Iterator[str]:
    """A fresh namespace per test."""
    name = f"op-{uuid.uuid4().hex[:8]}"
    kube.create(Namespace(metadata=ObjectMeta(name=name)))
    yield name
    kube.delete(Namespace, name)


@pytest.fixture
def operator(shop_cluster: ControlPlane, namespace: str) -> Iterator[RunningOperator]:
    """The operator serving the test's namespace, for one test."""
    running = start_operator(shop_cluster, namespace)
    with running.runner:
        yield running
