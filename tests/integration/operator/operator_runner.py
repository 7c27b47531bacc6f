"""The operator under test, run in-process by kopf's KopfRunner against the real API server."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass

from kopf.testing import KopfRunner

from localinfra.kube import ControlPlane
from localinfra.process import free_port


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
    metrics_port, liveness_port = free_port(), free_port()
    env = {
        "KUBECONFIG": str(cluster.kubeconfig),
        "SHOPKEEPER_STANDALONE": "true",
        "SHOPKEEPER_METRICS_HOST": "127.0.0.1",
        "SHOPKEEPER_METRICS_PORT": str(metrics_port),
        "SHOPKEEPER_NAMESPACES": f'["{namespace}"]',
        **settings,
    }
    liveness = f"http://127.0.0.1:{liveness_port}/healthz"
    runner = KopfRunner(
        [
            "run",
            f"--namespace={namespace}",
            "--standalone",
            f"--liveness={liveness}",
            "-m",
            "shopkeeper.main",
        ],
        env=env,
        timeout=60,
    )
    return RunningOperator(runner, f"http://127.0.0.1:{metrics_port}/metrics", liveness)
