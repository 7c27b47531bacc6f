"""k8s/operator on the real API server: its RBAC is enough, and peering keeps a standby idle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lightkube import Client
from lightkube.generic_resource import create_global_resource

from integration.operator.kube_support import (
    children,
    create_platform,
    eventually,
    get_platform,
    sample_body,
    status_is_current,
)
from integration.operator.operator_runner import OperatorProcess, RunningOperator, run_operator
from shopkeeper import kinds

TIMEOUT = 60.0
PRIMARY = {"SHOPKEEPER_PEERING_PRIORITY": "100"}
ClusterKopfPeering = create_global_resource(
    "kopf.dev", "v1", "ClusterKopfPeering", "clusterkopfpeerings"
)


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
        lambda: len(children(kube, kinds.KAFKA_TOPIC, "shop", namespace)) == 18,
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
