"""Dex on the local node's bridge for `hack/local-cluster up --node`: the issuer that
k8s/samples/platform-local-node.yaml names (pods and this host both reach `10.88.0.1`), with
notification's client credentials written to an env file for

    kubectl -n shop create secret generic shop-oidc-client --from-env-file <run dir>/oidc-client.env

(the Secret the sample's `spec.auth.clientCredentialsSecret` names). The client secrets are
fresh per start, like every local Dex's; `stop()` removes the file with the Dex it belongs to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from localinfra.dex import Dex
from localinfra.dex_realm import DEMO_CLIENT, NOTIFICATION_CLIENT
from localinfra.launcher import StopOnExit
from localinfra.node_host import BRIDGE_IP

DEX_PORT = 5556  # Dex's own default
OIDC_CLIENT_ENV = "oidc-client.env"


def oidc_client_env(client_id: str, client_secret: str) -> str:
    """The Secret's keys (`client-id`, `client-secret`) as `--from-env-file` reads them."""
    return f"client-id={client_id}\nclient-secret={client_secret}\n"


class NodeIdentity(StopOnExit):
    """Dex at `http://<host>:<port>/dex` and the env file of notification's credentials."""

    def __init__(self, run_dir: Path, *, host: str = BRIDGE_IP, port: int = DEX_PORT) -> None:
        self.dex = Dex(run_dir / "dex", host=host, port=port)
        self.env_file = run_dir / OIDC_CLIENT_ENV

    def start(self) -> Self:
        self.dex.start()
        self.env_file.touch(mode=0o600)
        self.env_file.write_text(
            oidc_client_env(NOTIFICATION_CLIENT, self.dex.secrets[NOTIFICATION_CLIENT])
        )
        return self

    def notes(self) -> list[str]:
        """What `up` prints: the issuer, the demo client's secret, the credentials' file."""
        return [
            f"Dex {self.dex.issuer} (client {DEMO_CLIENT}, secret "
            f"{self.dex.secrets[DEMO_CLIENT]}); notification's client credentials for "
            f"`kubectl -n shop create secret generic shop-oidc-client --from-env-file "
            f"{self.env_file}`"
        ]

    def stop(self) -> None:
        self.env_file.unlink(missing_ok=True)
        self.dex.stop()
