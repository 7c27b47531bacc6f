"""A test's way into a real Kubernetes API server: the control plane, an admin client, a
namespace of its own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lightkube import Client, KubeConfig
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.core_v1 import Namespace

from localinfra.kube import ControlPlane
from support.provisioned import provisioned

FIELD_MANAGER = "shopkeeper-tests"


@contextmanager
def control_plane(workdir: Path) -> Iterator[ControlPlane]:
    """A control plane started in `workdir` on free loopback ports, stopped afterwards."""
    plane = ControlPlane()
    provisioned(lambda: plane.start(workdir), "the Kubernetes control plane did not start")
    try:
        yield plane
    finally:
        plane.stop()


@contextmanager
def admin_client(plane: ControlPlane) -> Iterator[Client]:
    """A client of `plane` through its admin kubeconfig file (the tests' kubectl)."""
    with Client(
        config=KubeConfig.from_file(plane.kubeconfig), field_manager=FIELD_MANAGER
    ) as client:
        yield client


@contextmanager
def fresh_namespace(client: Client, prefix: str) -> Iterator[str]:
    """A new namespace `<prefix>-<random>`, deleted afterwards."""
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    client.create(Namespace(metadata=ObjectMeta(name=name)))
    try:
        yield name
    finally:
        client.delete(Namespace, name)
