"""The operator under test, run in-process by kopf's KopfRunner against the real API server."""

from __future__ import annotations

import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from kopf.testing import KopfRunner

from localinfra.kube import ControlPlane
from localinfra.process import ManagedProcess, http_ok
from shop.devstack.ports import free_port


@dataclass(frozen=True)
class RunningOperator:
    """The operator under test and its HTTP endpoints."""

    runner: KopfRunner
    metrics_url: str
    liveness_url: str

    def metrics(self) -> str:
        """The /metrics page."""
        with urllib.request.urlopen(self.metrics_url, timeout=5) as response:
            return response.read().decode()  # type: ignore[no-any-return]


def start_operator(cluster: ControlPlane, namespace: str, **settings: str) -> RunningOperator:
    """A KopfRunner running `shopkeeper.main` for `namespace`, standalone, on free ports."""
    return run_operator(cluster.kubeconfig, namespace=namespace, settings=settings)


def run_operator(
    kubeconfig: Path,
    *,
    namespace: str | None,
    standalone: bool = True,
    settings: dict[str, str] | None = None,
) -> RunningOperator:
    """A KopfRunner for one namespace (or, with None, the whole cluster) as `kubeconfig`'s user.

    Not started: enter `.runner` as a context manager. `settings` are `SHOPKEEPER_*` variables.
    """
    metrics_port, liveness_port = free_port(), free_port()
    liveness = f"http://127.0.0.1:{liveness_port}/healthz"
    env = {
        "KUBECONFIG": str(kubeconfig),
        "SHOPKEEPER_STANDALONE": "true" if standalone else "false",
        "SHOPKEEPER_METRICS_HOST": "127.0.0.1",
        "SHOPKEEPER_METRICS_PORT": str(metrics_port),
        "SHOPKEEPER_NAMESPACES": f'["{namespace}"]' if namespace else "[]",
        **(settings or {}),
    }
    args = [
        "run",
        f"--namespace={namespace}" if namespace else "--all-namespaces",
        f"--liveness={liveness}",
        "-m",
        "shopkeeper.main",
    ]
    if standalone:
        args.append("--standalone")
    runner = KopfRunner(args, env=env, timeout=60)
    return RunningOperator(runner, f"http://127.0.0.1:{metrics_port}/metrics", liveness)


@dataclass
class OperatorProcess:
    """`shopkeeper run` as a separate process (the console script's code path)."""

    process: ManagedProcess
    metrics_url: str

    @classmethod
    def start(cls, kubeconfig: Path, log_dir: Path, *, priority: int) -> OperatorProcess:
        """Start a cluster-wide, peering operator with this peering priority."""
        metrics_port, liveness_port = free_port(), free_port()
        argv = [
            sys.executable,
            "-m",
            "shopkeeper.cli",
            "run",
            "--priority",
            str(priority),
            "--metrics-port",
            str(metrics_port),
            "--liveness-port",
            str(liveness_port),
        ]
        env = {"KUBECONFIG": str(kubeconfig), "SHOPKEEPER_METRICS_HOST": "127.0.0.1"}
        name = f"shopkeeper-operator-{priority}"
        process = ManagedProcess(name, argv, log_dir / f"{name}.log", env=env).start()
        metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
        process.wait_ready(lambda: http_ok(metrics_url), timeout=60, what="serving metrics")
        return cls(process, metrics_url)

    def metrics(self) -> str:
        """The /metrics page."""
        with urllib.request.urlopen(self.metrics_url, timeout=5) as response:
            return response.read().decode()  # type: ignore[no-any-return]

    def stop(self) -> None:
        """SIGTERM, as Kubernetes stops a pod."""
        self.process.stop()
