"""The whole path on a kind cluster: image, operators, infrastructure, chart, platform, orders.

Needs Docker, kind, kubectl and helm, and KUBECONFIG on a cluster made by `k8s/kind/cluster.sh up`
(its local registry receives the Kafka Connect image Strimzi builds). tests/conftest.py skips
these tests, with the reason, anywhere else. Each step waits on a real condition
(`kubectl wait`, HTTP polling), never a fixed time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
import yaml

from kind.shop_client import ShopClient
from localinfra.errors import MissingDependencyError
from localinfra.helm import helm_binary
from localinfra.paths import REPO_ROOT
from localinfra.process import free_port, port_open
from support.polling import wait_until

pytestmark = pytest.mark.kind

IMAGE = "ghcr.io/shopkeeper/shopkeeper"
TAG = "kind-e2e"
OPERATOR_NAMESPACE = "shopkeeper-system"
SHOP_NAMESPACE = "shop"
PLATFORM = "shop"
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


def helm() -> str:
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
def infrastructure() -> None:
    """Strimzi, CloudNativePG, and the shared Kafka, Kafka Connect and PostgreSQL."""
    run("k8s/kind/operators.sh", "all")
    run("kubectl", "apply", "--server-side", "-k", "k8s/kind/infra")
    wait_ready("kafka", "shop-kafka", SHOP_NAMESPACE)
    wait_ready("cluster.postgresql.cnpg.io", "shop-db", SHOP_NAMESPACE)
    wait_ready("kafkaconnect", "shop-connect", SHOP_NAMESPACE)


@pytest.fixture(scope="module")
def operator(image: str) -> None:
    """The chart, with the image under test."""
    run(
        helm(),
        "upgrade",
        "--install",
        "shopkeeper",
        "charts/shopkeeper",
        "--namespace",
        OPERATOR_NAMESPACE,
        "--create-namespace",
        "--set",
        f"image.tag={TAG}",
        "--wait",
        "--timeout",
        "5m",
    )


@pytest.fixture(scope="module")
def platform(operator: None, infrastructure: None) -> dict[str, Any]:
    """The kind platform running the image under test, once Ready."""
    manifest = yaml.safe_load((REPO_ROOT / "k8s" / "kind" / "platform.yaml").read_text())
    manifest["spec"]["image"]["tag"] = TAG
    # Every order must confirm: the mock payment gateway never declines here.
    manifest["spec"]["paymentGateway"]["failureRate"] = 0
    run("kubectl", "apply", "--server-side", "-f", "-", stdin=json.dumps(manifest))
    wait_ready("ecommerceplatform", PLATFORM, SHOP_NAMESPACE)
    live: dict[str, Any] = json.loads(
        run("kubectl", "-n", SHOP_NAMESPACE, "get", "ecommerceplatform", PLATFORM, "-o", "json")
    )
    return live


@pytest.fixture(scope="module")
def api_urls(platform: dict[str, Any]) -> Iterator[dict[str, str]]:
    """Base URLs of the catalog, basket and ordering APIs through `kubectl port-forward`."""
    forwards: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    try:
        for context in ("catalog", "basket", "ordering"):
            port = free_port()
            process = subprocess.Popen(
                [
                    "kubectl",
                    "-n",
                    SHOP_NAMESPACE,
                    "port-forward",
                    f"svc/{PLATFORM}-{context}-api",
                    f"{port}:80",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            forwards[context] = (process, port)
        for context, (_, port) in forwards.items():
            wait_until(
                partial(port_open, port), within=60, what=f"port-forward of {context}", interval=0.5
            )
        yield {context: f"http://127.0.0.1:{port}" for context, (_, port) in forwards.items()}
    finally:
        for process, _ in forwards.values():
            process.terminate()
            process.wait(timeout=10)


def test_the_platform_reports_ready_for_its_current_generation(
    platform: dict[str, Any],
) -> None:
    conditions = {c["type"]: c for c in platform["status"]["conditions"]}
    assert conditions["Ready"]["status"] == "True"
    assert conditions["Ready"]["observedGeneration"] == platform["metadata"]["generation"]


def test_the_operator_runs_the_image_under_test(platform: dict[str, Any]) -> None:
    deployments = json.loads(
        run(
            "kubectl",
            "-n",
            SHOP_NAMESPACE,
            "get",
            "deployments",
            "-l",
            f"shopkeeper.dev/platform={PLATFORM}",
            "-o",
            "json",
        )
    )["items"]
    images = {c["image"] for d in deployments for c in d["spec"]["template"]["spec"]["containers"]}
    assert images == {f"{IMAGE}:{TAG}"}


def test_orders_placed_through_the_apis_are_confirmed(api_urls: dict[str, str]) -> None:
    client = ShopClient(api_urls["catalog"], api_urls["basket"], api_urls["ordering"], timeout=300)
    product = client.create_product(stock=10)
    orders = [client.place_order(f"kind-e2e-{index}", product, quantity=2) for index in range(3)]
    outcomes = [client.outcome(order) for order in orders]
    assert [outcome["status"] for outcome in outcomes] == ["CONFIRMED"] * 3
    assert [outcome["lines"][0]["quantity"] for outcome in outcomes] == [2, 2, 2]
