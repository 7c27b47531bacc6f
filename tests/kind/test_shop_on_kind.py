"""The shared cluster scenario (tests/scenario/shop_on_cluster.py) on a kind cluster: image,
operators, infrastructure, chart, platform, orders.

Needs Docker, kind, kubectl and helm, and KUBECONFIG on a cluster made by `k8s/kind/cluster.sh up`
(its local registry receives the Kafka Connect image Strimzi builds). tests/conftest.py skips
these tests, with the reason, anywhere else. The same scenario runs on the local node in
tests/cluster/test_shop_on_node.py.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from kind.shop_client import demo_tokens
from localinfra.dex_realm import DEMO_CLIENT
from localinfra.errors import MissingDependencyError
from localinfra.helm import helm_binary
from localinfra.paths import REPO_ROOT
from localinfra.process import port_open
from scenario.shop_on_cluster import (
    api_urls,
    operator,
    platform,
    shop_client,
    test_orders_placed_through_the_apis_are_confirmed,
    test_the_operator_runs_the_image_under_test,
    test_the_platform_reports_ready_for_its_current_generation,
)
from shop.devstack.ports import free_port
from support.kind_dex import KindDex, kind_platform_auth
from support.polling import wait_until

pytestmark = pytest.mark.kind

__all__ = [
    "api_urls",
    "operator",
    "platform",
    "shop_client",
    "test_orders_placed_through_the_apis_are_confirmed",
    "test_the_operator_runs_the_image_under_test",
    "test_the_platform_reports_ready_for_its_current_generation",
]

IMAGE = "ghcr.io/shopkeeper/shopkeeper"
TAG = "kind-e2e"
SHOP_NAMESPACE = "shop"
READY_TIMEOUT = "900s"


def run(*argv: str, stdin: str | None = None, timeout: float = 1800) -> str:
    """Run a command in the repository; a failure shows its output."""
    result = subprocess.run(
        list(argv),
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
        timeout=timeout,
    )
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout[-3000:]}\n"
            f"{result.stderr[-3000:]}",
            pytrace=False,
        )
    return result.stdout


def helm_path() -> str:
    found = shutil.which("helm")
    if found:
        return found
    try:
        return str(helm_binary())
    except MissingDependencyError as err:
        pytest.skip(str(err))


def wait_ready(kind: str, name: str, namespace: str) -> None:
    run(
        "kubectl",
        "-n",
        namespace,
        "wait",
        f"{kind}/{name}",
        "--for=condition=Ready",
        f"--timeout={READY_TIMEOUT}",
    )


class KindShopCluster:
    """The kind cluster of the current kubectl context, its image loaded from Docker."""

    image_repository = IMAGE
    image_tag = TAG
    shop_namespace = SHOP_NAMESPACE
    api_host: str | None = None  # port-forwarded Services

    def __init__(self, admin_token: str, customer_token: str) -> None:
        self.admin_token: str | None = admin_token
        self.customer_token: str | None = customer_token

    def kubectl(self, *argv: str, stdin: str | None = None, timeout: float = 1800) -> str:
        return run("kubectl", *argv, stdin=stdin, timeout=timeout)

    def helm(self, *argv: str, timeout: float = 1800) -> str:
        return run(helm_path(), *argv, timeout=timeout)

    def platform_manifest(self) -> dict[str, Any]:
        manifest: dict[str, Any] = yaml.safe_load(
            (REPO_ROOT / "k8s" / "kind" / "platform.yaml").read_text()
        )
        manifest["spec"]["image"]["tag"] = TAG
        # Every order must confirm: the mock payment gateway never declines here.
        manifest["spec"]["paymentGateway"]["failureRate"] = 0
        return manifest

    @contextmanager
    def api_urls(self, platform: dict[str, Any]) -> Iterator[dict[str, str]]:
        """The catalog, basket and ordering APIs through `kubectl port-forward`."""
        name = platform["metadata"]["name"]
        services = {context: (f"{name}-{context}-api", 80) for context in API_CONTEXTS}
        with port_forwards(services) as urls:
            yield urls


API_CONTEXTS = ("catalog", "basket", "ordering")


@contextmanager
def port_forwards(services: dict[str, tuple[str, int]]) -> Iterator[dict[str, str]]:
    """`http://127.0.0.1:<free port>` to each named (Service, port) of the shop's namespace."""
    forwards: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    try:
        for what, (service, service_port) in services.items():
            port = free_port()
            process = subprocess.Popen(
                [
                    "kubectl",
                    "-n",
                    SHOP_NAMESPACE,
                    "port-forward",
                    f"svc/{service}",
                    f"{port}:{service_port}",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            forwards[what] = (process, port)
        for what, (_, port) in forwards.items():
            wait_until(
                partial(port_open, port), within=60, what=f"port-forward of {what}", interval=0.5
            )
        yield {what: f"http://127.0.0.1:{port}" for what, (_, port) in forwards.items()}
    finally:
        for process, _ in forwards.values():
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster_name() -> str:
    context = run("kubectl", "config", "current-context").strip()
    return context.removeprefix("kind-")


@pytest.fixture(scope="module")
def image(cluster_name: str) -> str:
    """The image built from this checkout and loaded into the kind node."""
    reference = f"{IMAGE}:{TAG}"
    run("docker", "build", "--tag", reference, ".")
    run("kind", "load", "docker-image", reference, "--name", cluster_name)
    return reference


@pytest.fixture(scope="module")
def infrastructure(cluster_name: str) -> None:
    """Strimzi, CloudNativePG, and the shared Kafka, Kafka Connect, PostgreSQL and Dex."""
    run("k8s/kind/operators.sh", "all")
    run("k8s/kind/dex/image.sh", cluster_name)
    run("kubectl", "apply", "--server-side", "-k", "k8s/kind/infra")
    wait_ready("kafka", "shop-kafka", SHOP_NAMESPACE)
    wait_ready("cluster.postgresql.cnpg.io", "shop-db", SHOP_NAMESPACE)
    wait_ready("kafkaconnect", "shop-connect", SHOP_NAMESPACE)
    run("kubectl", "-n", SHOP_NAMESPACE, "rollout", "status", "deployment/dex", "--timeout=300s")


@pytest.fixture(scope="module")
def shop_cluster(image: str, infrastructure: None) -> KindShopCluster:
    """The cluster, with the demo admin's and customer's tokens of the kind Dex (whose
    issuer the platform's spec.auth names), fetched through a port-forward of its Service."""
    dex = KindDex.load()
    service = dex.service
    with port_forwards(
        {"dex": (service["metadata"]["name"], service["spec"]["ports"][0]["port"])}
    ) as url:
        path = urlsplit(kind_platform_auth()["issuer"]).path
        tokens = demo_tokens(f"{url['dex']}{path}/token", dex.client_secret(DEMO_CLIENT))
    return KindShopCluster(*tokens)
