"""A local control plane with the upstream CRDs and the EcommercePlatform CRD."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
from lightkube import Client, KubeConfig
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.apiextensions_v1 import CustomResourceDefinition
from lightkube.resources.core_v1 import Namespace

from localinfra import kube as localinfra_kube
from localinfra.kube import ControlPlane
from shopkeeper.crd import crd

FIELD_MANAGER = "shopkeeper-bench"
# Each platform has six ClusterIP Services (one per API): 100 platforms do not fit the test
# control plane's /24 service range.
SERVICE_RANGE = "10.0.0.0/16"
REQUEST_TIMEOUT = 60.0  # a busy 2-core machine can take long to list 100 platforms' children


@contextmanager
def control_plane(workdir: Path) -> Iterator[tuple[ControlPlane, Client]]:
    """A started control plane ready for platforms, and an admin client; stopped on exit."""
    localinfra_kube.SERVICE_CLUSTER_IP_RANGE = SERVICE_RANGE
    plane = ControlPlane()
    plane.start(workdir)
    try:
        plane.install_upstream_crds()
        config = KubeConfig.from_file(plane.kubeconfig)
        timeout = httpx2.Timeout(REQUEST_TIMEOUT)
        with Client(config, field_manager=FIELD_MANAGER, timeout=timeout) as kube:
            install_platform_crd(kube)
            yield plane, kube
    finally:
        plane.stop()


def install_platform_crd(kube: Client, timeout: float = 60.0) -> None:
    """Apply the EcommercePlatform CRD and wait until it is served."""
    manifest = crd()
    kube.apply(CustomResourceDefinition.from_dict(manifest), force=True)  # type: ignore[call-overload]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = kube.get(CustomResourceDefinition, manifest["metadata"]["name"])
        conditions = (got.status.conditions or []) if got.status else []
        if any(c.type == "Established" and c.status == "True" for c in conditions):
            return
        time.sleep(0.1)
    raise TimeoutError("the EcommercePlatform CRD was not Established")


def create_namespace(kube: Client, name: str) -> None:
    """Create a namespace."""
    kube.create(Namespace(metadata=ObjectMeta(name=name)))
