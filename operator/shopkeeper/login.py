"""How the operator reaches the API server: in a pod, with its ServiceAccount token at the
address of the `kubernetes` Service from KUBERNETES_SERVICE_HOST/PORT, as client-go's in-cluster
config does; elsewhere, with the kubeconfig.

kopf's own in-cluster login dials `kubernetes.default.svc`, so it needs cluster DNS: the
operator of a cluster should not depend on the cluster's DNS being up.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import kopf

SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")


def in_cluster_connection(
    environ: Mapping[str, str], directory: Path = SERVICE_ACCOUNT_DIR
) -> kopf.ConnectionInfo | None:
    """The pod's ServiceAccount connection, or None outside a pod."""
    host, port = environ.get("KUBERNETES_SERVICE_HOST"), environ.get("KUBERNETES_SERVICE_PORT")
    token = directory / "token"
    if not host or not port or not token.is_file():
        return None
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    ca, namespace = directory / "ca.crt", directory / "namespace"
    return kopf.ConnectionInfo(
        server=f"https://{host}:{port}",
        ca_path=str(ca) if ca.is_file() else None,
        # Read at every login: kopf logs in again when the API server refuses an expired token.
        token=token.read_text().strip() or None,
        default_namespace=namespace.read_text().strip() if namespace.is_file() else None,
    )
