"""How the shop goes onto a cluster, as the docs tell a person: the chart's `helm` command, the
local node's platform sample with its addresses filled in, the database credentials Secret."""

from __future__ import annotations

from typing import Any

import yaml

from localinfra.cluster_tools import ClusterTools
from localinfra.paths import REPO_ROOT

OPERATOR_NAMESPACE = "shopkeeper-system"
OPERATOR_RELEASE = "shopkeeper"
CHART = REPO_ROOT / "charts" / "shopkeeper"
LOCAL_NODE_SAMPLE = REPO_ROOT / "k8s" / "samples" / "platform-local-node.yaml"
DB_SECRET = "shop-db-credentials"
CONTEXTS = ("catalog", "basket", "ordering", "payment", "notification", "reports")


def chart_install_args(repository: str, tag: str) -> list[str]:
    """`helm` arguments installing (or upgrading) the operator with image `repository:tag`."""
    return [
        "upgrade",
        "--install",
        OPERATOR_RELEASE,
        str(CHART),
        "--namespace",
        OPERATOR_NAMESPACE,
        "--create-namespace",
        "--set",
        f"image.repository={repository}",
        "--set",
        f"image.tag={tag}",
        "--wait",
        "--timeout",
        "5m",
    ]


def local_node_platform(
    *, namespace: str, tag: str, kafka: str, db_host: str, db_port: int
) -> dict[str, Any]:
    """k8s/samples/platform-local-node.yaml on the given image tag, Kafka and PostgreSQL."""
    manifest: dict[str, Any] = yaml.safe_load(LOCAL_NODE_SAMPLE.read_text())
    manifest["metadata"]["namespace"] = namespace
    spec = manifest["spec"]
    spec["image"]["tag"] = tag
    spec["kafka"]["bootstrapServers"] = kafka
    spec["database"]["external"].update(host=db_host, port=db_port)
    return manifest


def restricted_namespace(name: str) -> dict[str, Any]:
    """A Namespace whose pods must meet the `restricted` Pod Security Standard (the API
    server's PodSecurity admission refuses any other pod)."""
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": name,
            "labels": {
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
            },
        },
    }


def _secret(namespace: str, name: str, data: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": namespace},
        "stringData": data,
    }


def db_secret(namespace: str, username: str, password: str) -> dict[str, Any]:
    """The Secret the platform's `database.external.credentialsSecret` names."""
    return _secret(namespace, DB_SECRET, {"username": username, "password": password})


def service_urls(tools: ClusterTools, platform: str, namespace: str) -> dict[str, str]:
    """Each context's API Service by ClusterIP (reachable from the node's host via kube-proxy)."""
    urls = {}
    for context in CONTEXTS:
        service = tools.kubectl_json("-n", namespace, "get", "service", f"{platform}-{context}-api")
        urls[context] = f"http://{service['spec']['clusterIP']}"
    return urls


OIDC_CLIENT_SECRET = "shop-oidc-client"
"""The Secret of notification's client credentials that `platform_auth` names."""


def oidc_client_secret(namespace: str, client_id: str, client_secret: str) -> dict[str, Any]:
    """The Secret `spec.auth.clientCredentialsSecret` names (keys `client-id`, `client-secret`)."""
    data = {"client-id": client_id, "client-secret": client_secret}
    return _secret(namespace, OIDC_CLIENT_SECRET, data)


def platform_auth(issuer: str) -> dict[str, Any]:
    """`spec.auth`: tokens of `issuer`, service calls with the `oidc_client_secret`."""
    return {"issuer": issuer, "clientCredentialsSecret": OIDC_CLIENT_SECRET}
