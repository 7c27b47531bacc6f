"""What a control plane adds for a local node: API server flags and the kube-scheduler."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from localinfra.kube_api import https_ok_unverified
from localinfra.kube_pki import ControlPlanePki, KeyPair, NodePki, write_kubeconfig
from localinfra.node_provision import node_binary
from localinfra.process import ManagedProcess
from shop.devstack.ports import free_port


class Plane(Protocol):
    """What the scheduler needs of a started control plane (`localinfra.kube.ControlPlane`)."""

    @property
    def server(self) -> str: ...

    def launch(self, name: str, argv: list[str], workdir: Path) -> ManagedProcess: ...


def apiserver_node_flags(node: NodePki, ca: KeyPair) -> list[str]:
    """Node authorization, ServiceAccount tokens for pods, and the way to the kubelet."""
    return [
        "--authorization-mode=Node,RBAC",
        "--enable-admission-plugins=NodeRestriction",
        f"--kubelet-client-certificate={node.apiserver_kubelet_client.cert}",
        f"--kubelet-client-key={node.apiserver_kubelet_client.key}",
        f"--kubelet-certificate-authority={ca.cert}",
        "--kubelet-preferred-address-types=InternalIP",
    ]


def start_scheduler(plane: Plane, pki: ControlPlanePki, workdir: Path) -> str:
    """Start kube-scheduler against `plane`; returns its /healthz URL once it answers."""
    if pki.node is None:
        raise ValueError("the control plane has no node certificates")
    kubeconfig = write_kubeconfig(
        workdir / "scheduler.kubeconfig",
        server=plane.server,
        ca=pki.ca.cert,
        client=pki.node.scheduler,
        user="system:kube-scheduler",
    )
    port = free_port()
    process = plane.launch(
        "kube-scheduler",
        [
            str(node_binary("kube-scheduler")),
            f"--kubeconfig={kubeconfig}",
            f"--authentication-kubeconfig={kubeconfig}",
            f"--authorization-kubeconfig={kubeconfig}",
            "--leader-elect=false",
            "--bind-address=127.0.0.1",
            f"--secure-port={port}",
        ],
        workdir,
    )
    url = f"https://127.0.0.1:{port}/healthz"
    process.wait_ready(lambda: https_ok_unverified(url), timeout=60, what="healthy")
    return url
