"""Session fixtures of the `cluster` tier: a control plane with a real local node, the project
image built from this checkout and imported into it, and PostgreSQL and Kafka on the node's
bridge IP (pods reach the host there, never on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from localinfra.cluster_tools import ClusterTools
from localinfra.dex import Dex
from localinfra.kafka import KafkaBroker
from localinfra.node_cluster import NodeCluster
from localinfra.node_host import BRIDGE_IP, POD_CIDR
from localinfra.node_images import BuiltImage, project_image
from localinfra.postgres import PostgresServer
from support.provisioned import provisioned

# The tag of this session's project image (the chart and the platforms are told to use it).
NODE_IMAGE_TAG = "local-node"


@pytest.fixture(scope="session")
def node_cluster(infra_workdir: Path) -> Iterator[NodeCluster]:
    """A started control plane and a Ready node; every host change is undone at the end.

    Its teardown fails if the host is not as it was before (a process, mount, link, rule,
    sysctl, cgroup or global directory left).
    """
    cluster = NodeCluster(infra_workdir / "kube-node")
    provisioned(cluster.start, "the local node did not start")
    try:
        yield cluster
    finally:
        cluster.stop()
    assert cluster.node.host_after == cluster.node.host_before, "the node left host changes"


@pytest.fixture(scope="session")
def node_tools(node_cluster: NodeCluster) -> ClusterTools:
    """kubectl and helm on the node cluster."""
    return ClusterTools(node_cluster.plane.kubeconfig)


class Kubectl(ClusterTools):
    """The node cluster's kubectl as a callable: `kubectl("get", ...)`, `kubectl.json(...)`."""

    def __call__(self, *argv: str, stdin: str | None = None, timeout: float = 600) -> str:
        return self.kubectl(*argv, stdin=stdin, timeout=timeout)

    def json(self, *argv: str) -> Any:
        return self.kubectl_json(*argv)


@pytest.fixture(scope="session")
def kubectl(node_cluster: NodeCluster) -> Kubectl:
    return Kubectl(node_cluster.plane.kubeconfig)


@pytest.fixture(scope="session")
def node_image(node_cluster: NodeCluster) -> BuiltImage:
    """The project image of this checkout, built with buildah and imported into the node."""

    def built_and_imported() -> BuiltImage:
        image = project_image(NODE_IMAGE_TAG)
        node_cluster.import_image(image)
        return image

    return provisioned(built_and_imported, "building or importing the project image failed")


@pytest.fixture(scope="session")
def node_postgres(node_cluster: NodeCluster, infra_workdir: Path) -> Iterator[PostgresServer]:
    """PostgreSQL listening on the bridge IP too, open (with the password) to the pod range."""
    workdir = infra_workdir / "node-postgres"
    workdir.mkdir()
    server = PostgresServer(workdir, host=BRIDGE_IP, client_network=POD_CIDR)
    with server:
        yield server


@pytest.fixture(scope="session")
def node_dex(node_cluster: NodeCluster, infra_workdir: Path) -> Iterator[Dex]:
    """Dex listening on the bridge IP: its issuer is reachable from the pods (their JWKS)."""
    with Dex(infra_workdir / "node-dex", host=BRIDGE_IP) as dex:
        yield dex


@pytest.fixture(scope="session")
def node_kafka(node_cluster: NodeCluster, infra_workdir: Path) -> Iterator[KafkaBroker]:
    """A Kafka broker listening on, and advertising, the bridge IP."""
    with KafkaBroker(infra_workdir / "node-kafka", host=BRIDGE_IP, num_partitions=2) as broker:
        yield broker
