"""k8s/operator on the real API server: its RBAC is enough, and peering keeps a standby idle."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from lightkube import Client
from lightkube.codecs import from_dict
from lightkube.generic_resource import create_global_resource
from lightkube.models.authentication_v1 import TokenRequestSpec
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.apiextensions_v1 import CustomResourceDefinition
from lightkube.resources.core_v1 import ServiceAccount

from integration.operator.kube_support import (
    REPO,
    children,
    create_platform,
    eventually,
    get_platform,
    sample_body,
    status_is_current,
)
from integration.operator.operator_runner import OperatorProcess, RunningOperator, run_operator
from localinfra.kube import ControlPlane
from localinfra.kustomize import kustomize_binary
from shopkeeper import kinds

TIMEOUT = 60.0
PRIMARY = {"SHOPKEEPER_PEERING_PRIORITY": "100"}
SYSTEM_NAMESPACE = "shopkeeper-system"
ClusterKopfPeering = create_global_resource(
    "kopf.dev", "v1", "ClusterKopfPeering", "clusterkopfpeerings"
)


def _operator_base() -> list[dict[str, Any]]:
    built = subprocess.run(
        [str(kustomize_binary()), "build", str(REPO / "k8s" / "operator")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [doc for doc in yaml.safe_load_all(built) if doc]


@pytest.fixture(scope="module")
def operator_kubeconfig(
    kube: Client, shop_cluster: ControlPlane, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """k8s/operator installed; a kubeconfig with a token of its ServiceAccount."""
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


@pytest.fixture
def primary(operator_kubeconfig: Path) -> Iterator[RunningOperator]:
    running = run_operator(
        operator_kubeconfig,
        namespace=None,
        standalone=False,
        settings=PRIMARY,
    )
    with running.runner:
        yield running


def _managed(operator: RunningOperator | OperatorProcess) -> float:
    for line in operator.metrics().splitlines():
        if line.startswith("shopkeeper_managed_platforms "):
            return float(line.split()[1])
    return -1.0


def test_the_least_privilege_role_reconciles_a_platform_with_peering(
    kube: Client, namespace: str, primary: RunningOperator
) -> None:
    create_platform(kube, sample_body("shop", namespace))
    eventually(
        lambda: status_is_current(get_platform(kube, "shop", namespace)),
        timeout=TIMEOUT,
        what="status written with the operator's own token",
    )
    eventually(
        lambda: len(children(kube, kinds.KAFKA_TOPIC, "shop", namespace)) == 17,
        timeout=TIMEOUT,
        what="topics created with the operator's own token",
    )
    peering: Any = kube.get(ClusterKopfPeering, "shopkeeper")
    assert peering.get("status"), "the operator announced itself in the peering object"


def _peer_priorities(kube: Client) -> set[int]:
    peering: Any = kube.get(ClusterKopfPeering, "shopkeeper")
    peers = (peering.get("status") or {}).values()
    return {int(peer["priority"]) for peer in peers if peer}


def test_a_lower_priority_replica_stands_by_until_the_primary_stops(
    kube: Client, namespace: str, operator_kubeconfig: Path, tmp_path: Path
) -> None:
    create_platform(kube, sample_body("shop", namespace))
    primary = OperatorProcess.start(operator_kubeconfig, tmp_path, priority=100)
    standby = OperatorProcess.start(operator_kubeconfig, tmp_path, priority=1)
    try:
        eventually(lambda: _managed(primary) >= 1, timeout=TIMEOUT, what="primary working")
        eventually(
            lambda: status_is_current(get_platform(kube, "shop", namespace)),
            timeout=TIMEOUT,
            what="the platform reconciled by the primary",
        )
        eventually(
            lambda: _peer_priorities(kube) == {1, 100},
            timeout=TIMEOUT,
            what="both replicas announced in the peering object",
        )
        assert _managed(standby) == 0, "the standby must not reconcile while the primary runs"
        primary.stop()
        eventually(
            lambda: _managed(standby) >= 1, timeout=2 * TIMEOUT, what="the standby taking over"
        )
    finally:
        primary.stop()
        standby.stop()
