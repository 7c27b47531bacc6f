"""kubectl and helm of the pinned releases, pointed at one cluster.

Their caches and settings (kubectl's discovery cache, helm's cache, config and data) live next
to the kubeconfig, not in $HOME or the working directory.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from localinfra.errors import InfraError
from localinfra.helm import helm_binary
from localinfra.kube_provision import kubernetes_bin_dir


class ClusterTools:
    """`kubectl(...)` and `helm(...)` for the cluster of `kubeconfig`; failures raise InfraError."""

    def __init__(self, kubeconfig: Path) -> None:
        self.kubeconfig = kubeconfig
        self.home = kubeconfig.parent / "tools"

    def env(self) -> dict[str, str]:
        env = {
            "KUBECONFIG": str(self.kubeconfig),
            "KUBECACHEDIR": str(self.home / "kubectl-cache"),
            "PATH": "/usr/bin:/bin",
        }
        for kind in ("CACHE", "CONFIG", "DATA"):
            env[f"HELM_{kind}_HOME"] = str(self.home / f"helm-{kind.lower()}")
        return env

    def _run(self, argv: list[str], stdin: str | None, timeout: float) -> str:
        result = subprocess.run(
            argv,
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env(),
            check=False,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise InfraError(
                f"{Path(argv[0]).name} {' '.join(argv[1:])} exited {result.returncode}:\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result.stdout

    def kubectl(self, *argv: str, stdin: str | None = None, timeout: float = 600) -> str:
        return self._run([str(kubernetes_bin_dir() / "kubectl"), *argv], stdin, timeout)

    def kubectl_json(self, *argv: str) -> Any:
        return json.loads(self.kubectl(*argv, "-o", "json"))

    def apply(self, manifest: dict[str, Any]) -> str:
        """Server-side apply one object (taking over fields other managers set)."""
        return self.kubectl(
            "apply", "--server-side", "--force-conflicts", "-f", "-", stdin=json.dumps(manifest)
        )

    def helm(self, *argv: str, timeout: float = 600) -> str:
        return self._run([str(helm_binary()), *argv], None, timeout)
