"""A real Kubernetes node on this machine: containerd, kubelet and kube-proxy.

Start order (`LocalNode`): `prepare_host()` sweeps what a killed run left, records the host and
creates the bridge (the node IP; the control plane binds there too), then `start(plane)` runs
containerd, kubelet and kube-proxy and waits for the Node to be Ready. `stop()` stops them and
undoes every host change. A reaper process does the same if this process dies without stopping
(SIGKILL included), so nothing outlives a killed test session for long.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path
from typing import IO, Any

import yaml

from localinfra.errors import InfraError
from localinfra.kube import SERVICE_CLUSTER_IP_RANGE
from localinfra.kube_pki import KeyPair, NodePki, write_kubeconfig
from localinfra.launcher import StopOnExit
from localinfra.netpol import firewall_arguments, kube_router_binary
from localinfra.node_host import (
    BRIDGE_IP,
    CGROUP_ROOT,
    MAX_PODS,
    NODE_NAME,
    POD_CIDR,
    HostState,
    host_snapshot,
    machine_lock,
)
from localinfra.node_images import BuiltImage, pause_image, release_storage
from localinfra.node_provision import node_binary
from localinfra.node_runtime import Containerd
from localinfra.paths import REPO_ROOT, cache_dir
from localinfra.process import ManagedProcess, ProcessRegistry, alive, http_ok
from shop.devstack.ports import free_port

REAPER_MODULE = "localinfra.node_reaper"
# Pods get this resolver: nothing answers on a pod's own loopback, so no query leaves the pod.
POD_RESOLV_CONF = "nameserver 127.0.0.1\noptions ndots:1 attempts:1 timeout:1\n"


def default_state_dir() -> Path:
    return cache_dir() / "node"


def sweep_stale(state_dir: Path | None = None) -> bool:
    """Undo the host changes of a node whose owner is gone; True if there were any."""
    directory = state_dir or default_state_dir()
    host = HostState(directory)
    record = host.record()
    if record is None or alive(record.owner_pid):
        return False
    with machine_lock(directory, timeout=120):  # a reaper may be sweeping: wait for it
        record = host.record()
        if record is None or alive(record.owner_pid):
            return False
        host.sweep()
        release_storage()
        return True


class LocalNode(StopOnExit):
    """One node, `NODE_NAME` at `BRIDGE_IP`; one at a time per machine (a lock file)."""

    def __init__(self, state_dir: Path | None = None) -> None:
        self.state_dir = state_dir or default_state_dir()
        self.run_dir = self.state_dir / "run"
        self.host = HostState(self.state_dir)
        self.containerd = Containerd(self.run_dir / "containerd")
        self.processes: list[ManagedProcess] = []
        self._lock_context: contextlib.AbstractContextManager[IO[str]] | None = None
        self._reaper: ManagedProcess | None = None
        self.host_before: dict[str, object] | None = None
        self.host_after: dict[str, object] | None = None

    @property
    def name(self) -> str:
        return NODE_NAME

    @property
    def ip(self) -> str:
        return BRIDGE_IP

    def prepare_host(self) -> None:
        """Take the machine's node lock, undo a previous run's leftovers, create the bridge."""
        # One node per machine: wait for another session's node (within a test's 10 minutes).
        lock = machine_lock(self.state_dir, timeout=540)
        lock.__enter__()
        self._lock_context = lock
        self.host.sweep()
        # The host as this node found it: what stop() must leave (see host_snapshot).
        self.host_before = host_snapshot(self.state_dir)
        release_storage()
        self.host.prepare(self.run_dir)
        self._reaper = ManagedProcess(
            "node-reaper",
            [
                sys.executable,
                "-m",
                REAPER_MODULE,
                "--owner",
                str(os.getpid()),
                "--state-dir",
                str(self.state_dir),
            ],
            self.state_dir / "reaper.log",
            env={"PYTHONPATH": str(REPO_ROOT / "hack")},
            die_with_parent=False,
        ).start()
        # Only stop() may stop it: not the registry that stops children at exit or on SIGTERM.
        ProcessRegistry.instance().discard(self._reaper)

    def start(self, plane: Any, *, timeout: float = 180) -> LocalNode:
        """Run containerd, kubelet and kube-proxy against `plane`; return once Ready."""
        pki: NodePki | None = plane.pki.node
        if pki is None or self.host.record() is None:
            raise InfraError("prepare_host() first, and a control plane started for the node")
        try:
            self.containerd.start(self.run_dir)
            self.processes.append(self.containerd.process)  # type: ignore[arg-type]
            self.containerd.import_image(pause_image())
            self._start_kubelet(plane, pki)
            self._start_proxy(plane, pki.proxy)
            self.wait_ready(plane, timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def import_image(self, image: BuiltImage) -> None:
        self.containerd.import_image(image)

    def tag_image(self, source: str, target: str) -> None:
        self.containerd.tag_image(source, target)

    def enforce_network_policies(self, plane: Any) -> None:
        """Start kube-router's network policy controller (with the admin kubeconfig); it stops
        with the node, which removes its chains and ipsets."""
        directory = self.run_dir / "kube-router"
        directory.mkdir(parents=True, exist_ok=True)
        kubeconfig = directory / "kubeconfig"  # under the run dir: a sweep finds the process
        kubeconfig.write_bytes(Path(plane.kubeconfig).read_bytes())
        healthz = free_port()
        argv = firewall_arguments(kubeconfig, NODE_NAME, SERVICE_CLUSTER_IP_RANGE, healthz)
        self._launch("kube-router", [str(kube_router_binary()), *argv], directory, healthz)

    def _start_kubelet(self, plane: Any, pki: NodePki) -> None:
        directory = self.run_dir / "kubelet"
        directory.mkdir(parents=True, exist_ok=True)
        kubeconfig = write_kubeconfig(
            directory / "kubeconfig",
            server=plane.server,
            ca=plane.pki.ca.cert,
            client=pki.kubelet,
            user=f"system:node:{NODE_NAME}",
        )
        (directory / "resolv.conf").write_text(POD_RESOLV_CONF)
        healthz = free_port()
        config = self._kubelet_config(plane.pki.ca.cert, pki.kubelet_serving, healthz, directory)
        (directory / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
        self._launch(
            "kubelet",
            [
                str(node_binary("kubelet")),
                f"--config={directory / 'config.yaml'}",
                f"--kubeconfig={kubeconfig}",
                f"--root-dir={directory / 'root'}",
                f"--cert-dir={directory / 'pki'}",
                f"--hostname-override={NODE_NAME}",
                f"--node-ip={BRIDGE_IP}",
                "--v=1",
            ],
            directory,
            healthz,
        )

    def _launch(self, name: str, argv: list[str], directory: Path, healthz: int) -> None:
        """Start one node component and wait until its /healthz (plain HTTP) answers."""
        process = ManagedProcess(name, argv, self.run_dir / f"{name}.log", cwd=directory).start()
        self.processes.append(process)
        process.wait_ready(
            lambda: http_ok(f"http://127.0.0.1:{healthz}/healthz"), timeout=120, what="healthy"
        )

    def _kubelet_config(
        self, ca: Path, serving: KeyPair, healthz: int, directory: Path
    ) -> dict[str, Any]:
        return {
            "apiVersion": "kubelet.config.k8s.io/v1beta1",
            "kind": "KubeletConfiguration",
            "address": BRIDGE_IP,
            "port": free_port(),
            "readOnlyPort": 0,
            "healthzBindAddress": "127.0.0.1",
            "healthzPort": healthz,
            "tlsCertFile": str(serving.cert),
            "tlsPrivateKeyFile": str(serving.key),
            "authentication": {
                "anonymous": {"enabled": False},
                "webhook": {"enabled": True},
                "x509": {"clientCAFile": str(ca)},
            },
            "authorization": {"mode": "Webhook"},
            "containerRuntimeEndpoint": self.containerd.endpoint,
            # This host: cgroup v1, no swap, no CAP_SYS_RESOURCE (no negative oom_score_adj).
            "cgroupDriver": "cgroupfs",
            "cgroupRoot": f"/{CGROUP_ROOT}",
            "failCgroupV1": False,
            "failSwapOn": False,
            "oomScoreAdj": 0,
            "resolvConf": str(directory / "resolv.conf"),
            "podLogsDir": str(self.run_dir / "pod-logs"),
            "clusterDomain": "cluster.local",
            # Images are imported, never pulled: image GC would delete them for good.
            "imageGCHighThresholdPercent": 100,
            "imageGCLowThresholdPercent": 99,
            "evictionHard": {
                "memory.available": "100Mi",
                "nodefs.available": "1%",
                "imagefs.available": "1%",
                "nodefs.inodesFree": "1%",
            },
            "serializeImagePulls": False,
            "maxPods": MAX_PODS,
            "shutdownGracePeriod": "0s",
        }

    def _start_proxy(self, plane: Any, client: KeyPair) -> None:
        directory = self.run_dir / "kube-proxy"
        directory.mkdir(parents=True, exist_ok=True)
        kubeconfig = write_kubeconfig(
            directory / "kubeconfig",
            server=plane.server,
            ca=plane.pki.ca.cert,
            client=client,
            user="system:kube-proxy",
        )
        healthz = free_port()
        config = {
            "apiVersion": "kubeproxy.config.k8s.io/v1alpha1",
            "kind": "KubeProxyConfiguration",
            "clientConnection": {"kubeconfig": str(kubeconfig)},
            "mode": "iptables",
            "clusterCIDR": POD_CIDR,
            "hostnameOverride": NODE_NAME,
            "healthzBindAddress": f"127.0.0.1:{healthz}",
            "metricsBindAddress": f"127.0.0.1:{free_port()}",
            "nodePortAddresses": [f"{BRIDGE_IP}/32"],
            # Leave route_localnet and the conntrack tunables as they are.
            "iptables": {"localhostNodePorts": False},
            "conntrack": {
                "maxPerCore": 0,
                "min": 0,
                "tcpEstablishedTimeout": "0s",
                "tcpCloseWaitTimeout": "0s",
            },
        }
        (directory / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
        self._launch(
            "kube-proxy",
            [str(node_binary("kube-proxy")), f"--config={directory / 'config.yaml'}", "--v=1"],
            directory,
            healthz,
        )

    def wait_ready(self, plane: Any, timeout: float) -> None:
        """Until the Node object reports Ready=True."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in self.processes:
                if not process.running():
                    raise InfraError(f"{process.name} exited\n{process.log_tail()}")
            if plane.http.condition_true(f"/api/v1/nodes/{NODE_NAME}", "Ready"):
                return
            time.sleep(0.5)
        raise InfraError(
            f"node {NODE_NAME} not Ready within {timeout:.0f}s\n{self.processes[-1].log_tail()}"
        )

    def logs(self) -> list[ManagedProcess]:
        return list(self.processes)

    def stop(self) -> None:
        """Stop kube-proxy, kubelet and containerd, then undo every host change."""
        while self.processes:
            self.processes.pop().stop(timeout=20)
        self.containerd.process = None
        if self._lock_context is None:  # never prepared, or another session's node
            return
        try:
            self.host.sweep()
            release_storage()
        finally:
            if self._reaper is not None:
                self._reaper.stop(timeout=5)
                self._reaper = None
            self.host_after = host_snapshot(self.state_dir)  # before another node may start
            self._lock_context.__exit__(None, None, None)
            self._lock_context = None
