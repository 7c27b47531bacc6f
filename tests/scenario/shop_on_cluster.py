"""The shop on a real cluster, one scenario for every place that has one: kind where Docker
exists (tests/kind) and the local node here (tests/cluster).

A test module provides a `shop_cluster` fixture (a `ShopCluster`: how to run kubectl and helm
against its cluster, the image under test, the platform to apply, how to reach the APIs) and
imports the fixtures and tests below; the steps and the assertions are the same everywhere.
Each step waits on a real condition (`kubectl wait`, HTTP polling), never a fixed time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

import pytest

from kind.shop_client import ShopClient
from localinfra.shop_install import chart_install_args

READY_TIMEOUT = "900s"


class ShopCluster(Protocol):
    """What the scenario needs of a cluster."""

    image_repository: str
    image_tag: str
    shop_namespace: str
    api_host: str | None
    """The Host header the APIs are reached with (an exposure's host), or None."""
    admin_token: str | None
    """An admin's access token of the platform's issuer, or None (a platform without auth)."""
    customer_token: str | None
    """A customer's access token of that issuer, or None."""

    def kubectl(self, *argv: str, stdin: str | None = None, timeout: float = 1800) -> str:
        """Run kubectl against the cluster; a failure fails the test with its output."""

    def helm(self, *argv: str, timeout: float = 1800) -> str:
        """Run helm against the cluster, likewise."""

    def platform_manifest(self) -> dict[str, Any]:
        """The EcommercePlatform to apply (image under test, a gateway that never declines)."""

    def api_urls(self, platform: dict[str, Any]) -> AbstractContextManager[dict[str, str]]:
        """Base URLs of the `catalog`, `basket` and `ordering` APIs, while open."""


def kubectl_json(cluster: ShopCluster, *argv: str) -> Any:
    return json.loads(cluster.kubectl(*argv, "-o", "json"))


@pytest.fixture(scope="module")
def operator(shop_cluster: ShopCluster) -> None:
    """The chart, with the image under test: the operator runs as a pod of it."""
    shop_cluster.helm(*chart_install_args(shop_cluster.image_repository, shop_cluster.image_tag))


@pytest.fixture(scope="module")
def platform(operator: None, shop_cluster: ShopCluster) -> dict[str, Any]:
    """The platform running the image under test, once it reports Ready."""
    manifest = shop_cluster.platform_manifest()
    name = manifest["metadata"]["name"]
    shop_cluster.kubectl(
        "apply", "--server-side", "--force-conflicts", "-f", "-", stdin=json.dumps(manifest)
    )
    shop_cluster.kubectl(
        "-n",
        shop_cluster.shop_namespace,
        "wait",
        f"ecommerceplatform/{name}",
        "--for=condition=Ready",
        f"--timeout={READY_TIMEOUT}",
    )
    live: dict[str, Any] = kubectl_json(
        shop_cluster, "-n", shop_cluster.shop_namespace, "get", "ecommerceplatform", name
    )
    return live


@pytest.fixture(scope="module")
def api_urls(shop_cluster: ShopCluster, platform: dict[str, Any]) -> Iterator[dict[str, str]]:
    with shop_cluster.api_urls(platform) as urls:
        yield urls


@pytest.fixture(scope="module")
def shop_client(shop_cluster: ShopCluster, api_urls: dict[str, str]) -> ShopClient:
    return ShopClient(
        api_urls["catalog"],
        api_urls["basket"],
        api_urls["ordering"],
        timeout=300,
        host=shop_cluster.api_host,
        admin_token=shop_cluster.admin_token,
        customer_token=shop_cluster.customer_token,
    )


def test_the_platform_reports_ready_for_its_current_generation(
    platform: dict[str, Any],
) -> None:
    conditions = {c["type"]: c for c in platform["status"]["conditions"]}
    assert conditions["Ready"]["status"] == "True"
    assert conditions["Ready"]["observedGeneration"] == platform["metadata"]["generation"]


def test_the_operator_runs_the_image_under_test(
    shop_cluster: ShopCluster, platform: dict[str, Any]
) -> None:
    deployments = kubectl_json(
        shop_cluster,
        "-n",
        shop_cluster.shop_namespace,
        "get",
        "deployments",
        "-l",
        f"shopkeeper.dev/platform={platform['metadata']['name']}",
    )["items"]
    images = {c["image"] for d in deployments for c in d["spec"]["template"]["spec"]["containers"]}
    assert images == {f"{shop_cluster.image_repository}:{shop_cluster.image_tag}"}


def test_orders_placed_through_the_apis_are_confirmed(shop_client: ShopClient) -> None:
    product = shop_client.create_product(stock=10)
    orders = [
        shop_client.place_order(f"cluster-e2e-{index}", product, quantity=2) for index in range(3)
    ]
    outcomes = [shop_client.outcome(order) for order in orders]
    assert [outcome["status"] for outcome in outcomes] == ["CONFIRMED"] * 3
    assert [outcome["lines"][0]["quantity"] for outcome in outcomes] == [2, 2, 2]
