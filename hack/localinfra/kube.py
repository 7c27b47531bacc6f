"""A real Kubernetes control plane on 127.0.0.1: etcd, kube-apiserver, kube-controller-manager.

No scheduler and no kubelet: objects are stored, validated, defaulted and garbage-collected,
Deployments get ReplicaSets and Pods, but Pods stay Pending. `ControlPlane(node_ip=...)` is the
control plane of a local node (localinfra.node): the API server binds to the node's bridge IP
(pods reach it through the `kubernetes` Service), authorizes Node,RBAC with NodeRestriction,
mounts ServiceAccount tokens, reaches kubelets with a client certificate, and a kube-scheduler
runs too.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType

from localinfra.errors import InfraError
from localinfra.kube_api import KubeHttp, https_ok_unverified
from localinfra.kube_crds import crd_documents, upstream_crd_dirs
from localinfra.kube_node_flags import apiserver_node_flags, start_scheduler
from localinfra.kube_pki import (
    FRONT_PROXY_CLIENT,
    ControlPlanePki,
    generate_pki,
    write_kubeconfig,
)
from localinfra.kube_provision import etcd_binary, kube_binary, provision
from localinfra.process import ManagedProcess, http_ok
from shop.devstack.ports import free_port

__all__ = ["FIELD_MANAGER", "ControlPlane", "provision"]

FIELD_MANAGER = "shopkeeper-localinfra"
SERVICE_CLUSTER_IP_RANGE = "10.0.0.0/24"
CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
_PORT_RETRIES = 3
_NO_NODE_FLAGS = (
    "--authorization-mode=RBAC",
    # The `kubernetes` Service's Endpoints may not point at loopback, so keep none (the
    # apiserver then logs one misleading "Found stale data ..." error at start).
    "--endpoint-reconciler-type=none",
    # Pods need no `default` ServiceAccount (there is no kubelet to mount its token).
    "--disable-admission-plugins=ServiceAccount",
)


class ControlPlane:
    """etcd + kube-apiserver + kube-controller-manager in `workdir`; a context manager."""

    def __init__(self, *, node_ip: str | None = None, node_name: str | None = None) -> None:
        self.node_ip, self.node_name = node_ip, node_name
        self.host = node_ip or "127.0.0.1"
        self._pki: ControlPlanePki | None = None
        self.workdir: Path | None = None
        self.processes: list[ManagedProcess] = []
        self._server: str | None = None
        self._kubeconfig: Path | None = None
        self._http: KubeHttp | None = None

    @property
    def server(self) -> str:
        """The API server URL, e.g. https://127.0.0.1:40123."""
        if self._server is None:
            raise InfraError("control plane not started")
        return self._server

    @property
    def kubeconfig(self) -> Path:
        """An admin (system:masters) kubeconfig with embedded credentials."""
        if self._kubeconfig is None:
            raise InfraError("control plane not started")
        return self._kubeconfig

    @property
    def pki(self) -> ControlPlanePki:
        if self._pki is None:
            raise InfraError("control plane not started")
        return self._pki

    @property
    def http(self) -> KubeHttp:
        """A minimal admin HTTPS client of the API server."""
        if self._http is None:
            raise InfraError("control plane not started")
        return self._http

    def env(self) -> dict[str, str]:
        """Environment for clients (kubectl, helm, kopf) of this control plane."""
        return {"KUBECONFIG": str(self.kubeconfig)}

    def start(self, workdir: Path) -> ControlPlane:
        """Start all three components and wait until each is ready; logs go to `workdir`."""
        if self.processes:
            raise InfraError("control plane already started")
        binaries = {
            name: kube_binary(name) for name in ("kube-apiserver", "kube-controller-manager")
        }
        etcd = etcd_binary()  # raise MissingDependencyError before anything starts
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        pki = self._pki = generate_pki(
            workdir / "pki", node_name=self.node_name, node_ip=self.node_ip
        )
        try:
            etcd_url = self._retry_ports(lambda: self._start_etcd(etcd, workdir))
            self._retry_ports(
                lambda: self._start_apiserver(binaries["kube-apiserver"], etcd_url, pki, workdir)
            )
            self._retry_ports(
                lambda: self._start_controller_manager(
                    binaries["kube-controller-manager"], pki, workdir
                )
            )
            if pki.node is not None:
                self._retry_ports(lambda: start_scheduler(self, pki, workdir))
        except BaseException:
            self.stop()
            raise
        return self

    def _retry_ports(self, launch: Callable[[], str]) -> str:
        # A free port may be taken between probing and binding; try fresh ports a few times.
        for attempt in range(_PORT_RETRIES):
            try:
                return launch()
            except InfraError as err:
                if "address already in use" not in str(err) or attempt == _PORT_RETRIES - 1:
                    raise
                self.processes.pop().stop()
        raise AssertionError("unreachable")

    def launch(self, name: str, argv: list[str], workdir: Path) -> ManagedProcess:
        """Start one component of this control plane (stopped with it)."""
        process = ManagedProcess(name, argv, workdir / f"{name}.log", cwd=workdir).start()
        self.processes.append(process)
        return process

    def _start_etcd(self, binary: Path, workdir: Path) -> str:
        client, peer = f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"
        # A member's peer URL is recorded in its data: start each attempt from scratch.
        shutil.rmtree(workdir / "etcd-data", ignore_errors=True)
        process = self.launch(
            "etcd",
            [
                str(binary),
                "--name=local",
                f"--data-dir={workdir / 'etcd-data'}",
                f"--listen-client-urls={client}",
                f"--advertise-client-urls={client}",
                f"--listen-peer-urls={peer}",
                f"--initial-advertise-peer-urls={peer}",
                f"--initial-cluster=local={peer}",
                "--unsafe-no-fsync",
            ],
            workdir,
        )
        process.wait_ready(lambda: http_ok(f"{client}/health"), timeout=60, what="healthy")
        return client

    def _start_apiserver(
        self, binary: Path, etcd_url: str, pki: ControlPlanePki, workdir: Path
    ) -> str:
        port = free_port()
        process = self.launch(
            "kube-apiserver",
            [
                str(binary),
                f"--etcd-servers={etcd_url}",
                f"--bind-address={self.host}",
                f"--advertise-address={self.host}",
                f"--secure-port={port}",
                f"--cert-dir={workdir / 'apiserver-certs'}",
                f"--tls-cert-file={pki.serving.cert}",
                f"--tls-private-key-file={pki.serving.key}",
                f"--client-ca-file={pki.ca.cert}",
                f"--requestheader-client-ca-file={pki.front_proxy_ca.cert}",
                f"--requestheader-allowed-names={FRONT_PROXY_CLIENT}",
                "--requestheader-username-headers=X-Remote-User",
                "--requestheader-group-headers=X-Remote-Group",
                "--requestheader-extra-headers-prefix=X-Remote-Extra-",
                f"--proxy-client-cert-file={pki.front_proxy_client.cert}",
                f"--proxy-client-key-file={pki.front_proxy_client.key}",
                "--allow-privileged=true",
                f"--service-cluster-ip-range={SERVICE_CLUSTER_IP_RANGE}",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                f"--service-account-key-file={pki.service_account_pub}",
                f"--service-account-signing-key-file={pki.service_account_key}",
                "--profiling=false",
                *(apiserver_node_flags(pki.node, pki.ca) if pki.node else _NO_NODE_FLAGS),
            ],
            workdir,
        )
        server = f"https://{self.host}:{port}"
        http = KubeHttp(server, str(pki.ca.cert), pki.admin)
        process.wait_ready(lambda: http.ok("/readyz"), timeout=120, what="ready (/readyz)")
        # /readyz can pass before the bootstrap controller has created the `default` namespace.
        process.wait_ready(
            lambda: http.ok("/api/v1/namespaces/default"),
            timeout=60,
            what="serving the default namespace",
        )
        self._server, self._http = server, http
        self._kubeconfig = write_kubeconfig(
            workdir / "kubeconfig",
            server=server,
            ca=pki.ca.cert,
            client=pki.admin,
            user="shopkeeper-admin",
        )
        return server

    def _start_controller_manager(self, binary: Path, pki: ControlPlanePki, workdir: Path) -> str:
        kubeconfig = write_kubeconfig(
            workdir / "controller-manager.kubeconfig",
            server=self.server,
            ca=pki.ca.cert,
            client=pki.controller_manager,
            user="system:kube-controller-manager",
        )
        port = free_port()
        process = self.launch(
            "kube-controller-manager",
            [
                str(binary),
                f"--kubeconfig={kubeconfig}",
                f"--authentication-kubeconfig={kubeconfig}",
                f"--authorization-kubeconfig={kubeconfig}",
                "--leader-elect=false",
                "--controllers=*",
                "--use-service-account-credentials=true",
                "--bind-address=127.0.0.1",
                f"--secure-port={port}",
                f"--cert-dir={workdir / 'controller-manager-certs'}",
                f"--service-account-private-key-file={pki.service_account_key}",
                f"--root-ca-file={pki.ca.cert}",
                f"--cluster-signing-cert-file={pki.ca.cert}",
                f"--cluster-signing-key-file={pki.ca.key}",
                f"--service-cluster-ip-range={SERVICE_CLUSTER_IP_RANGE}",
            ],
            workdir,
        )
        url = f"https://127.0.0.1:{port}/healthz"
        # It serves /healthz with a self-signed certificate of its own.
        process.wait_ready(lambda: https_ok_unverified(url), timeout=60, what="healthy")
        return url

    def running(self) -> bool:
        """Whether every component is still running."""
        return bool(self.processes) and all(p.running() for p in self.processes)

    def stop(self) -> None:
        """Stop the components, dependents first. The workdir (and its logs) stays."""
        while self.processes:
            self.processes.pop().stop()

    def __enter__(self) -> ControlPlane:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def version(self) -> dict[str, str]:
        """The API server's /version."""
        info: dict[str, str] = self.http.request("GET", "/version")
        return info

    def install_crds(self, paths: Iterable[Path], *, timeout: float = 60) -> list[str]:
        """Server-side apply the CRDs in `paths` (files or folders of YAML), wait Established.

        Returns the names of the CRDs.
        """
        crds = [doc for path in paths for doc in crd_documents(path)]
        names = [crd["metadata"]["name"] for crd in crds]
        for crd, name in zip(crds, names, strict=True):
            self.http.apply(f"{CRD_PATH}/{name}", crd, field_manager=FIELD_MANAGER)
        for name in names:
            self.http.wait_for_condition(f"{CRD_PATH}/{name}", "Established", timeout=timeout)
        return names

    def install_upstream_crds(self, *names: str, timeout: float = 60) -> list[str]:
        """Install provisioned upstream CRD sets (`strimzi`, `gateway-api`; none: OPERATOR_SETS)."""
        return self.install_crds(upstream_crd_dirs(*names), timeout=timeout)
