"""A control plane with one local node: what `hack/local-cluster up --node`, the `cluster` test
tier and bench/node_cluster.py run."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Self

from localinfra.kube import ControlPlane
from localinfra.launcher import StopOnExit
from localinfra.node import LocalNode
from localinfra.node_host import NODE_NAME
from localinfra.node_images import BuiltImage
from localinfra.process import ManagedProcess

DEFAULT_ACCOUNT = "/api/v1/namespaces/default/serviceaccounts/default"


class NodeCluster(StopOnExit):
    """`plane` (bound to the node's bridge IP) and `node`; a context manager."""

    def __init__(self, plane_dir: Path, *, state_dir: Path | None = None) -> None:
        self.plane_dir = plane_dir
        self.node = LocalNode(state_dir)
        self.plane = ControlPlane(node_ip=self.node.ip, node_name=NODE_NAME)
        self.seconds_to_ready: float | None = None

    def start(self) -> NodeCluster:
        """Bridge first (the API server binds to it), then the control plane, then the node."""
        started = time.monotonic()
        try:
            self.node.prepare_host()
            self.plane.start(self.plane_dir)
            self.node.start(self.plane)
            # Pods are refused until the controller-manager has made a namespace's `default`
            # ServiceAccount: wait for the first one, so a pod may be created right away.
            self.plane.http.wait_for(DEFAULT_ACCOUNT, timeout=60)
        except BaseException:
            self.stop()
            raise
        self.seconds_to_ready = time.monotonic() - started
        return self

    @property
    def processes(self) -> list[ManagedProcess]:
        return [*self.plane.processes, *self.node.processes]

    def import_image(self, image: BuiltImage) -> None:
        self.node.import_image(image)

    def tag_image(self, image: BuiltImage, tag: str) -> str:
        """The imported `image` under a second tag of its repository; returns that reference."""
        reference = f"{image.reference.rpartition(':')[0]}:{tag}"
        self.node.tag_image(image.reference, reference)
        return reference

    def stop(self) -> None:
        """Stop the node (undoing every host change), then the control plane."""
        try:
            self.node.stop()
        finally:
            self.plane.stop()

    def __enter__(self) -> Self:
        self.start()
        return self
