"""The shop in pods on the local node: `helm install` the chart (the operator is a pod of the
project image with its own ServiceAccount and RBAC), `kubectl apply` a platform in external mode
on the host's PostgreSQL and Kafka, and orders through its APIs.

The shared cluster scenario (tests/scenario/shop_on_cluster.py, also run on kind) and what only
this node shows: the migrations Job's pod, every Deployment Available, an order's effects.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from infra.fixtures_identity import IdentityProvider
from infra.fixtures_node import NODE_IMAGE_TAG
from infra.fixtures_traefik import apply_manifests, traefik_serving
from kind.shop_client import ShopClient, ShopError
from localinfra.cluster_tools import ClusterTools
from localinfra.dex import Dex
from localinfra.dex_realm import NOTIFICATION_CLIENT
from localinfra.errors import InfraError
from localinfra.kafka import KafkaBroker
from localinfra.netpol import enforcement_report
from localinfra.node_cluster import NodeCluster
from localinfra.node_host import BRIDGE_IP
from localinfra.node_images import PROJECT_REPOSITORY, BuiltImage
from localinfra.postgres import PostgresServer
from localinfra.shop_install import (
    CONTEXTS,
    OPERATOR_NAMESPACE,
    OPERATOR_RELEASE,
    db_secret,
    local_node_platform,
    oidc_client_secret,
    platform_auth,
    restricted_namespace,
)
from localinfra.traefik import Traefik
from scenario.shop_on_cluster import (
    api_urls,
    kubectl_json,
    operator,
    platform,
    shop_client,
    test_orders_placed_through_the_apis_are_confirmed,
    test_the_operator_runs_the_image_under_test,
    test_the_platform_reports_ready_for_its_current_generation,
)
from shop.devstack.ports import NODE_PORTS
from support.polling import wait_until
from support.provisioned import provisioned

__all__ = [
    "api_urls",
    "operator",
    "platform",
    "shop_client",
    "test_orders_placed_through_the_apis_are_confirmed",
    "test_the_operator_runs_the_image_under_test",
    "test_the_platform_reports_ready_for_its_current_generation",
]

SHOP_NAMESPACE = "shop"
UPGRADE_TAG = f"{NODE_IMAGE_TAG}-upgrade"
ROLL_WITHIN = 600
"""Seconds for the migrations Job and the roll of every Deployment: 22 new pods start on 2
cores (the relays in two waves); minutes when other work loads the machine to 40-60."""
EXPOSURE_HOST = "shop.node.test"
GATEWAY = "public"
GATEWAY_HOST = "shop.gateway.node.test"
RBAC_GROUP = "rbac.authorization.k8s.io"
HTTP_PORT = 8000
PLATFORM_CRD = "ecommerceplatforms.shopkeeper.dev"


class NodeShopCluster:
    """The local node, its imported project image, the host's PostgreSQL and Kafka, and
    Traefik as the cluster's Ingress controller: the APIs are reached through the exposure."""

    image_repository = PROJECT_REPOSITORY
    image_tag = NODE_IMAGE_TAG
    shop_namespace = SHOP_NAMESPACE
    api_host: str | None = EXPOSURE_HOST

    def __init__(
        self,
        tools: ClusterTools,
        postgres: PostgresServer,
        kafka: KafkaBroker,
        traefik: Traefik,
        identity: IdentityProvider,
    ) -> None:
        self.tools = tools
        self.postgres = postgres
        self.kafka = kafka
        self.traefik = traefik
        self.identity = identity
        self.admin_token: str | None = identity.admin().token
        self.customer_token: str | None = identity.customer(1).token

    def kubectl(self, *argv: str, stdin: str | None = None, timeout: float = 1800) -> str:
        try:
            return self.tools.kubectl(*argv, stdin=stdin, timeout=timeout)
        except InfraError as err:
            pytest.fail(str(err), pytrace=False)

    def helm(self, *argv: str, timeout: float = 1800) -> str:
        try:
            return self.tools.helm(*argv, timeout=timeout)
        except InfraError as err:
            pytest.fail(str(err), pytrace=False)

    def platform_manifest(self) -> dict[str, Any]:
        """k8s/samples/platform-local-node.yaml on this session's PostgreSQL and Kafka, exposed
        through an Ingress of class `traefik`."""
        manifest = local_node_platform(
            namespace=SHOP_NAMESPACE,
            tag=NODE_IMAGE_TAG,
            kafka=self.kafka.bootstrap_servers,
            db_host=self.postgres.host,
            db_port=self.postgres.port,
        )
        manifest["spec"]["paymentGateway"] = {"failureRate": 0}  # every order must confirm
        manifest["spec"]["auth"] = platform_auth(self.identity.dex.issuer)
        manifest["spec"]["exposure"] = {
            "mode": "ingress",
            "host": EXPOSURE_HOST,
            "ingress": {"className": "traefik"},
        }
        return manifest

    @contextmanager
    def api_urls(self, platform: dict[str, Any]) -> Iterator[dict[str, str]]:
        """`<traefik>/<context>` for every context, once Traefik routes them to ready pods."""
        self.traefik.wait_for_routers("kubernetes", len(CONTEXTS), name_part=SHOP_NAMESPACE)
        urls = {context: f"{self.traefik.web_url}/{context}" for context in CONTEXTS}
        wait_until(
            partial(answers, f"{urls['catalog']}/products", EXPOSURE_HOST),
            within=60,
            what="the catalog through Traefik",
            interval=0.5,
        )
        yield urls


@pytest.fixture(scope="module")
def node_traefik(
    request: pytest.FixtureRequest, node_cluster: NodeCluster, node_tools: ClusterTools
) -> Iterator[Traefik]:
    """Traefik serving the node cluster's Ingresses, Gateway API routes and the Middlewares they
    name (it reaches the pods on the bridge)."""
    node_cluster.plane.install_upstream_crds("gateway-api", "traefik")
    with traefik_serving(request, node_tools.kubeconfig, "node-traefik", middlewares=True) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def shop_cluster(
    node_tools: ClusterTools,
    node_image: BuiltImage,
    node_postgres: PostgresServer,
    node_kafka: KafkaBroker,
    node_traefik: Traefik,
    node_dex: Dex,
) -> NodeShopCluster:
    """The node with the shop's namespace, its database and the Secrets of its credentials
    (the database's, and notification's client credentials at the bridge's Dex)."""
    node_postgres.create_database("shop")
    adopt_platform_crd(node_tools)
    for namespace in (SHOP_NAMESPACE, OPERATOR_NAMESPACE):
        node_tools.apply(restricted_namespace(namespace))
    node_tools.apply(db_secret(SHOP_NAMESPACE, node_postgres.superuser, node_postgres.password))
    client_secret = node_dex.secrets[NOTIFICATION_CLIENT]
    node_tools.apply(oidc_client_secret(SHOP_NAMESPACE, NOTIFICATION_CLIENT, client_secret))
    identity = IdentityProvider(node_dex)
    return NodeShopCluster(node_tools, node_postgres, node_kafka, node_traefik, identity)


def adopt_platform_crd(tools: ClusterTools) -> None:
    """Let the chart take over the EcommercePlatform CRD if another test applied it by hand
    (Helm refuses to install over an object it does not own, and adopts one marked so)."""
    crd = f"crd/{PLATFORM_CRD}"
    if not tools.kubectl("get", crd, "--ignore-not-found", "-o", "name").strip():
        return
    tools.kubectl("label", "--overwrite", crd, "app.kubernetes.io/managed-by=Helm")
    tools.kubectl(
        "annotate",
        "--overwrite",
        crd,
        f"meta.helm.sh/release-name={OPERATOR_RELEASE}",
        f"meta.helm.sh/release-namespace={OPERATOR_NAMESPACE}",
    )


def answers(url: str, host: str) -> bool:
    try:
        return httpx.get(url, headers={"Host": host}, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_the_operator_is_a_pod_with_its_own_service_account_and_no_admin_rights(
    shop_cluster: NodeShopCluster, operator: None
) -> None:
    pods = kubectl_json(shop_cluster, "-n", OPERATOR_NAMESPACE, "get", "pods")["items"]
    (pod,) = [p for p in pods if p["status"]["phase"] == "Running"]
    assert pod["spec"]["serviceAccountName"] == OPERATOR_RELEASE
    assert pod["spec"]["containers"][0]["image"] == f"{PROJECT_REPOSITORY}:{NODE_IMAGE_TAG}"
    bindings = kubectl_json(shop_cluster, "get", "clusterrolebindings")["items"]
    roles = {
        b["roleRef"]["name"]
        for b in bindings
        for s in b.get("subjects") or []
        if s.get("kind") == "ServiceAccount" and s.get("name") == OPERATOR_RELEASE
    }
    assert roles == {f"{OPERATOR_RELEASE}-operator"}
    account = f"system:serviceaccount:{OPERATOR_NAMESPACE}:{OPERATOR_RELEASE}"
    assert may(shop_cluster, account, "list", "ecommerceplatforms", "shopkeeper.dev")
    assert not may(shop_cluster, account, "delete", "nodes", "")
    assert not may(shop_cluster, account, "create", "clusterrolebindings", RBAC_GROUP)
    assert not may(shop_cluster, account, "create", "pods/exec", "", namespace=SHOP_NAMESPACE)


def may(
    cluster: NodeShopCluster, user: str, verb: str, resource: str, group: str, namespace: str = ""
) -> bool:
    """The API server's answer to a SubjectAccessReview (what RBAC grants `user`);
    `resource` may name a subresource (`pods/exec`)."""
    resource, _, subresource = resource.partition("/")
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SubjectAccessReview",
        "spec": {
            "user": user,
            "groups": ["system:serviceaccounts", "system:authenticated"],
            "resourceAttributes": {
                "verb": verb,
                "resource": resource,
                "subresource": subresource,
                "group": group,
                "namespace": namespace,
            },
        },
    }
    answer = cluster.kubectl("create", "-o", "json", "-f", "-", stdin=json.dumps(review))
    allowed: bool = json.loads(answer)["status"].get("allowed", False)
    return allowed


def test_the_shop_runs_in_namespaces_that_enforce_restricted_pod_security(
    shop_cluster: NodeShopCluster, platform: dict[str, Any]
) -> None:
    for namespace in (SHOP_NAMESPACE, OPERATOR_NAMESPACE):
        labels = kubectl_json(shop_cluster, "get", "namespace", namespace)["metadata"]["labels"]
        assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    # Admission is real: a pod outside the profile (root allowed, no seccomp) is refused.
    loose = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "loose", "namespace": SHOP_NAMESPACE},
        "spec": {"containers": [{"name": "c", "image": f"{PROJECT_REPOSITORY}:{NODE_IMAGE_TAG}"}]},
    }
    with pytest.raises(InfraError, match='violates PodSecurity "restricted:latest"'):
        shop_cluster.tools.kubectl("create", "--dry-run=server", "-f", "-", stdin=json.dumps(loose))
    # ...while every pod of the platform and the operator was admitted and runs.
    for namespace in (SHOP_NAMESPACE, OPERATOR_NAMESPACE):
        pods = kubectl_json(shop_cluster, "-n", namespace, "get", "pods")["items"]
        assert pods
        assert {p["status"]["phase"] for p in pods} <= {"Running", "Succeeded"}


def test_the_migrations_job_completed_in_a_pod_on_the_node(
    shop_cluster: NodeShopCluster, platform: dict[str, Any], node_cluster: NodeCluster
) -> None:
    jobs = kubectl_json(shop_cluster, "-n", SHOP_NAMESPACE, "get", "jobs")["items"]
    assert jobs, "no migrations Job"
    assert all(job["status"].get("succeeded", 0) >= 1 for job in jobs)
    pods = kubectl_json(
        shop_cluster, "-n", SHOP_NAMESPACE, "get", "pods", "-l", "batch.kubernetes.io/job-name"
    )["items"]
    assert {p["status"]["phase"] for p in pods} == {"Succeeded"}
    assert {p["spec"]["nodeName"] for p in pods} == {node_cluster.node.name}


def test_the_pods_log_in_as_their_contexts_own_database_roles(
    shop_cluster: NodeShopCluster, platform: dict[str, Any]
) -> None:
    """ADR 0053: each context's role owns its schema; the pods never log in as the
    administrator of the credentials Secret (only the finished migrations Job did)."""
    owners = shop_cluster.postgres.psql(
        "SELECT n.nspname || '=' || r.rolname FROM pg_namespace n JOIN pg_roles r "
        f"ON r.oid = n.nspowner WHERE n.nspname IN ({', '.join(repr(c) for c in CONTEXTS)})",
        "shop",
    ).split()
    assert sorted(owners) == sorted(f"{c}=shop_{c}" for c in CONTEXTS)
    from_pods = set(
        shop_cluster.postgres.psql(
            "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = 'shop' "
            "AND client_addr IS NOT NULL AND client_addr <> '127.0.0.1' "
            "AND client_addr <> inet_server_addr()",  # not this host's own sessions
            "shop",
        ).split()
    )
    assert from_pods, "no pod is connected to the database"
    assert from_pods <= {f"shop_{c}" for c in CONTEXTS}, from_pods


def test_every_deployment_is_available(
    shop_cluster: NodeShopCluster, platform: dict[str, Any]
) -> None:
    deployments = kubectl_json(shop_cluster, "-n", SHOP_NAMESPACE, "get", "deployments")["items"]
    assert len(deployments) >= 2 * len(CONTEXTS)
    unavailable = [
        d["metadata"]["name"]
        for d in deployments
        if not any(
            c["type"] == "Available" and c["status"] == "True"
            for c in d["status"].get("conditions", [])
        )
    ]
    assert unavailable == []


def test_a_confirmed_order_sells_the_stock_takes_the_payment_tells_the_customer_and_is_reported(
    shop_client: ShopClient, api_urls: dict[str, str]
) -> None:
    # Every read goes through the exposure, as the order did.
    product = shop_client.create_product(stock=10, price="12.50")
    order_id = shop_client.place_order("node-effects", product, quantity=2)
    order = shop_client.outcome(order_id)
    assert order["status"] == "CONFIRMED"

    def get(context: str, path: str, **params: int) -> Any:
        bearer = {"Authorization": f"Bearer {shop_client.admin_token}"}
        response = httpx.get(
            f"{api_urls[context]}{path}",
            params=params,
            headers={"Host": EXPOSURE_HOST, **bearer},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()

    stock = wait_until(
        lambda: get("catalog", f"/products/{product}/stock"),
        holds=lambda s: s["reserved"] == 0,
        what="the reservation committed",
        within=120,
        interval=0.5,
    )
    assert (stock["on_hand"], stock["available"]) == (8, 8)
    payment = get("payment", f"/payments/{order_id}")
    assert (payment["status"], Decimal(payment["amount"])) == ("succeeded", Decimal("25.00"))
    sent = wait_until(
        lambda: [
            d for d in get("notification", "/deliveries", limit=200) if order_id in d["subject"]
        ],
        holds=bool,
        what="the customer notified",
        within=120,
        interval=0.5,
    )
    assert [(d["template"], d["status"]) for d in sent] == [("order-confirmed", "sent")]
    top = wait_until(
        lambda: get("reports", "/reports/top-products", limit=100),
        holds=lambda found: any(p["product_id"] == product for p in found),
        what="the sale reported",
        within=120,
        interval=0.5,
    )
    (reported,) = [p for p in top if p["product_id"] == product]
    assert (reported["quantity"], Decimal(reported["revenue"])) == (2, Decimal("25.00"))


class OrderStream:
    """Orders placed one after another in a thread, until stopped; every outcome recorded."""

    def __init__(self, client: ShopClient, product: str, prefix: str) -> None:
        self.client, self.product, self.prefix = client, product, prefix
        self.order_ids: list[str] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> OrderStream:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=120)

    def _run(self) -> None:
        index = 0
        while not self._stop.is_set():
            index += 1
            try:
                self.order_ids.append(
                    self.client.place_order(f"{self.prefix}-{index}", self.product)
                )
            except (ShopError, httpx.HTTPError) as err:
                self.errors.append(f"order {index}: {err!r}")
            time.sleep(0.5)

    def wait_for_more(self, count: int) -> None:
        """Until `count` more orders have been placed."""
        target = len(self.order_ids) + count
        wait_until(
            lambda: len(self.order_ids) >= target or self.errors,
            within=120,
            what=f"{count} more orders placed",
            interval=0.2,
        )

    def outcomes(self) -> list[str]:
        return [self.client.outcome(order_id)["status"] for order_id in self.order_ids]


def platform_now(cluster: NodeShopCluster, name: str) -> dict[str, Any]:
    found: dict[str, Any] = kubectl_json(
        cluster, "-n", SHOP_NAMESPACE, "get", "ecommerceplatform", name
    )
    return found


def ready_at_generation(platform: dict[str, Any]) -> bool:
    conditions = {c["type"]: c for c in platform.get("status", {}).get("conditions", [])}
    ready: dict[str, Any] = conditions.get("Ready", {})
    generation = platform["metadata"]["generation"]
    return bool(ready.get("status") == "True" and ready.get("observedGeneration") == generation)


@pytest.mark.timeout(ROLL_WITHIN + 300)  # the shared platform may be set up by this test
def test_a_new_image_tag_migrates_first_then_rolls_every_pod_and_no_order_fails(
    shop_cluster: NodeShopCluster,
    platform: dict[str, Any],
    shop_client: ShopClient,
    node_cluster: NodeCluster,
    node_image: BuiltImage,
) -> None:
    name = platform["metadata"]["name"]
    # The same image under a second tag: a new reference for the operator, no rebuild.
    upgraded = node_cluster.tag_image(node_image, UPGRADE_TAG)
    product = shop_client.create_product(stock=1000)
    with OrderStream(shop_client, product, "during-upgrade") as stream:
        stream.wait_for_more(2)
        live = patch_until_ready(
            shop_cluster, name, {"image": {"tag": UPGRADE_TAG}}, within=ROLL_WITHIN
        )
        stream.wait_for_more(3)  # a few orders on the new pods too
    assert stream.errors == []
    assert len(stream.order_ids) >= 5
    assert set(stream.outcomes()) == {"CONFIRMED"}
    assert live["status"]["image"] == upgraded

    jobs = kubectl_json(shop_cluster, "-n", SHOP_NAMESPACE, "get", "jobs")["items"]
    (migration,) = [
        j for j in jobs if j["spec"]["template"]["spec"]["containers"][0]["image"] == upgraded
    ]
    migrated_at = migration["status"]["completionTime"]
    services = wait_until(
        lambda: [
            p
            for p in kubectl_json(shop_cluster, "-n", SHOP_NAMESPACE, "get", "pods")["items"]
            if "batch.kubernetes.io/job-name" not in p["metadata"]["labels"]
        ],
        holds=lambda pods: not any("deletionTimestamp" in p["metadata"] for p in pods),
        what="the old pods gone",
        within=120,
        interval=1,
    )
    assert {p["spec"]["containers"][0]["image"] for p in services} == {upgraded}
    # RFC 3339 UTC timestamps of one clock compare as text: no new pod before the migration.
    assert min(p["metadata"]["creationTimestamp"] for p in services) >= migrated_at


def patch_until_ready(
    cluster: NodeShopCluster, name: str, spec: dict[str, Any], *, within: float
) -> dict[str, Any]:
    """Merge `spec` into the platform's; the platform once Ready at its new generation."""
    cluster.kubectl(
        "-n",
        SHOP_NAMESPACE,
        "patch",
        "ecommerceplatform",
        name,
        "--type=merge",
        "-p",
        json.dumps({"spec": spec}),
    )
    return wait_until(
        lambda: platform_now(cluster, name),
        holds=ready_at_generation,
        what=f"the platform Ready after {sorted(spec)} changed",
        within=within,
        interval=1,
    )


def gateway_client(shop_cluster: NodeShopCluster) -> ShopClient:
    """The shop through the HTTPRoute's host on Traefik's entrypoint, with the cluster's tokens."""
    base = shop_cluster.traefik.web_url
    return ShopClient(
        f"{base}/catalog",
        f"{base}/basket",
        f"{base}/ordering",
        timeout=300,
        host=GATEWAY_HOST,
        admin_token=shop_cluster.admin_token,
        customer_token=shop_cluster.customer_token,
    )


def test_a_deleted_pod_comes_back_and_no_order_is_lost(
    shop_cluster: NodeShopCluster, platform: dict[str, Any], shop_client: ShopClient
) -> None:
    name = platform["metadata"]["name"]
    pods = kubectl_json(shop_cluster, "-n", SHOP_NAMESPACE, "get", "pods")["items"]
    (worker,) = [p for p in pods if p["metadata"]["name"].startswith(f"{name}-ordering-worker-")]
    product = shop_client.create_product(stock=1000)
    with OrderStream(shop_client, product, "pod-deleted") as stream:
        stream.wait_for_more(2)
        shop_cluster.kubectl(
            "-n", SHOP_NAMESPACE, "delete", "pod", worker["metadata"]["name"], "--wait=false"
        )
        shop_cluster.kubectl(
            "-n",
            SHOP_NAMESPACE,
            "rollout",
            "status",
            f"deployment/{name}-ordering-worker",
            "--timeout=300s",
        )
        wait_until(
            lambda: platform_now(shop_cluster, name),
            holds=ready_at_generation,
            what="the platform Ready again",
            within=300,
            interval=0.5,
        )
        stream.wait_for_more(2)
    assert stream.errors == []
    assert set(stream.outcomes()) == {"CONFIRMED"}


def expose_through_the_gateway(
    cluster: NodeShopCluster, platform: dict[str, Any], tools: ClusterTools, traefik: Traefik
) -> dict[str, Any]:
    """Exposure switched from the Ingress to an HTTPRoute on a Gateway of Traefik's
    kubernetesGateway provider, on a host that only the HTTPRoute names (a no-op once done);
    the HTTPRoute once Traefik loaded its routers."""
    apply_manifests(tools.kubeconfig, [traefik.gateway_manifest(GATEWAY, SHOP_NAMESPACE)])
    exposure = {"mode": "gateway", "host": GATEWAY_HOST, "gateway": {"name": GATEWAY}}
    patch_until_ready(cluster, platform["metadata"]["name"], {"exposure": exposure}, within=120)
    (route,) = kubectl_json(cluster, "-n", SHOP_NAMESPACE, "get", "httproutes")["items"]
    traefik.wait_for_routers(
        "kubernetesgateway", len(CONTEXTS), name_part=SHOP_NAMESPACE, timeout=60
    )
    return dict(route)


def test_an_order_through_the_platforms_gateway_api_route_is_confirmed(
    shop_cluster: NodeShopCluster,
    platform: dict[str, Any],
    node_tools: ClusterTools,
    node_traefik: Traefik,
) -> None:
    route = expose_through_the_gateway(shop_cluster, platform, node_tools, node_traefik)
    assert route["spec"]["hostnames"] == [GATEWAY_HOST]
    assert kubectl_json(shop_cluster, "-n", SHOP_NAMESPACE, "get", "ingresses")["items"] == []
    accepted = wait_until(
        lambda: kubectl_json(
            shop_cluster, "-n", SHOP_NAMESPACE, "get", "httproute", route["metadata"]["name"]
        ),
        holds=route_accepted,
        what="the HTTPRoute accepted by Traefik",
        within=60,
        interval=0.5,
    )
    (parent,) = accepted["status"]["parents"]
    assert parent["controllerName"] == "traefik.io/gateway-controller"

    client = gateway_client(shop_cluster)
    product = client.create_product(stock=5)
    order_id = client.place_order("through-the-gateway", product, quantity=2)
    assert client.outcome(order_id)["status"] == "CONFIRMED"


def test_the_web_app_and_the_apis_share_the_routes_host(
    shop_cluster: NodeShopCluster,
    platform: dict[str, Any],
    node_tools: ClusterTools,
    node_traefik: Traefik,
) -> None:
    # `/` is the web app's, `/api/<context>` each API's (ADR 0041), on the HTTPRoute's host.
    expose_through_the_gateway(shop_cluster, platform, node_tools, node_traefik)
    with httpx.Client(
        base_url=shop_cluster.traefik.web_url, headers={"Host": GATEWAY_HOST}, timeout=30
    ) as http:
        page = wait_until(
            lambda: http.get("/"),
            holds=lambda answer: answer.status_code == 200,
            what="the web app through the HTTPRoute",
            within=60,
            interval=0.5,
        )
        deep_link = http.get("/orders/00000000-0000-0000-0000-000000000000")
        config = http.get("/config.json")
        asset = re.search(r'src="(/assets/[^"]+\.js)"', page.text)
        script = http.get(asset.group(1)) if asset else None
        admin = {"Authorization": f"Bearer {shop_cluster.admin_token}"}
        product = {"name": "Route tea", "category": "node", "price": "2.00", "currency": "EUR"}
        http.post("/api/catalog/categories", json={"slug": "node", "name": "Node"}, headers=admin)
        created = http.post("/api/catalog/products", json=product, headers=admin)

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<div id="root">' in page.text
    assert deep_link.text == page.text  # the app's router draws /orders/<id>
    assert script is not None
    assert script.status_code == 200
    assert "immutable" in script.headers["cache-control"]
    assert config.json() == {
        "apiBase": "/api",
        "apis": {},
        "oidc": {
            "authority": shop_cluster.identity.dex.issuer,
            "clientId": "shopkeeper-web",
            "scope": "openid profile email groups audience:server:client_id:shopkeeper",
            "roleClaim": "groups",
            "adminRole": "shopkeeper-admin",
        },
    }
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"/api/catalog/products/{created.json()['id']}"


BROWSER_ORIGIN = "http://admin.node.test"


def preflight(http: httpx.Client, origin: str) -> httpx.Response:
    """A browser's CORS preflight of a product creation from `origin`."""
    return http.options(
        "/api/catalog/products",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )


def test_traefik_middlewares_answer_cors_preflights_and_rate_limit_each_client(
    shop_cluster: NodeShopCluster,
    platform: dict[str, Any],
    node_tools: ClusterTools,
    node_traefik: Traefik,
) -> None:
    expose_through_the_gateway(shop_cluster, platform, node_tools, node_traefik)
    name = platform["metadata"]["name"]
    strict = {"enabled": True, "corsOrigins": [BROWSER_ORIGIN], "requestsPerSecond": 1, "burst": 3}
    patch_until_ready(shop_cluster, name, {"exposure": {"traefik": strict}}, within=120)
    try:
        with httpx.Client(
            base_url=shop_cluster.traefik.web_url, headers={"Host": GATEWAY_HOST}, timeout=30
        ) as http:
            allowed = wait_until(
                lambda: preflight(http, BROWSER_ORIGIN),
                holds=lambda answer: "access-control-allow-origin" in answer.headers,
                what="Traefik serving the platform's CORS Middleware",
                within=60,
                interval=1,
            )
            refused = preflight(http, "http://elsewhere.test")
            # At once, so that the bucket cannot refill between them on a slow node.
            with ThreadPoolExecutor(12) as pool:
                answers = list(pool.map(lambda _: http.get("/api/catalog/products"), range(12)))
            page = http.get("/")  # the web app's route passes no API Middleware
    finally:
        relaxed = {"enabled": True, "requestsPerSecond": 100, "burst": 200}
        patch_until_ready(shop_cluster, name, {"exposure": {"traefik": relaxed}}, within=120)

    assert allowed.headers["access-control-allow-origin"] == BROWSER_ORIGIN
    assert "POST" in allowed.headers["access-control-allow-methods"]
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-origin" not in refused.headers
    statuses = [answer.status_code for answer in answers]
    assert 200 in statuses
    assert 429 in statuses
    limited = answers[statuses.index(429)]
    assert limited.headers["content-type"].startswith("application/problem+json")
    assert limited.json()["status"] == 429
    assert limited.headers["x-request-id"]
    assert page.status_code == 200


def route_accepted(route: dict[str, Any]) -> bool:
    """The route's parent (the Gateway) reports it Accepted, its backends resolved."""
    parents = route.get("status", {}).get("parents") or []
    conditions = {c["type"]: c["status"] for p in parents for c in p.get("conditions", [])}
    return conditions.get("Accepted") == "True" and conditions.get("ResolvedRefs") == "True"


@pytest.fixture(scope="module")
def policy_enforcer(node_cluster: NodeCluster) -> None:
    """kube-router's network policy controller on the node (it runs until the node stops,
    whose teardown removes its chains and ipsets)."""
    provisioned(
        lambda: node_cluster.node.enforce_network_policies(node_cluster.plane),
        "kube-router did not start",
    )


def connects(cluster: NodeShopCluster, pod: dict[str, Any], host: str, port: int) -> bool:
    """Whether a TCP connection from inside `pod` to `host:port` opens within 3 seconds."""
    probe = f"import socket; socket.create_connection(({host!r}, {port}), timeout=3).close()"
    argv = ("-n", SHOP_NAMESPACE, "exec", pod["metadata"]["name"], "--", "python", "-c", probe)
    try:
        cluster.tools.kubectl(*argv, timeout=120)
    except InfraError:
        return False
    return True


def test_network_policies_let_each_pod_reach_only_what_the_shop_needs(
    shop_cluster: NodeShopCluster,
    platform: dict[str, Any],
    policy_enforcer: None,
    node_cluster: NodeCluster,
    node_tools: ClusterTools,
    node_traefik: Traefik,
) -> None:
    expose_through_the_gateway(shop_cluster, platform, node_tools, node_traefik)
    name = platform["metadata"]["name"]
    pods = {
        p["metadata"]["labels"]["app.kubernetes.io/component"]: p
        for p in kubectl_json(shop_cluster, "-n", SHOP_NAMESPACE, "get", "pods")["items"]
        if p["status"]["phase"] == "Running" and "deletionTimestamp" not in p["metadata"]
    }

    def ip(component: str) -> str:
        return str(pods[component]["status"]["podIP"])

    # Without policies a worker reaches any API: the control for what follows.
    assert connects(shop_cluster, pods["catalog-worker"], ip("ordering-api"), HTTP_PORT)
    exposure = [{"ipBlock": {"cidr": f"{BRIDGE_IP}/32"}}]  # Traefik runs on the node's host
    policy = {"networkPolicy": {"enabled": True, "apiIngressFrom": exposure}}
    patch_until_ready(shop_cluster, name, policy, within=120)
    written = kubectl_json(shop_cluster, "-n", SHOP_NAMESPACE, "get", "networkpolicies")["items"]
    assert {p["metadata"]["name"] for p in written} == {
        f"{name}-{suffix}"
        for suffix in (
            "isolation",
            "api-ingress",
            "web-ingress",  # the sample runs the web app
            "notification-egress",
            "order-lookup",
        )
    }
    database = (shop_cluster.postgres.host, shop_cluster.postgres.port)
    apiserver = urlsplit(node_cluster.plane.server)
    to_apiserver = (str(apiserver.hostname), int(apiserver.port or 0))
    # kube-router lets every pod reach the node's own addresses on NodePorts, before any policy.
    assert to_apiserver[1] not in NODE_PORTS, f"the API server on a NodePort: {to_apiserver}"
    # kube-router enforces them within its syncs; a pod's ingress and egress chains need not be
    # in place at the same sync, so both sides are awaited: a worker takes no traffic, and an
    # API's traffic to the node's host leaves only for what the policies name.
    for src, (host, port) in {
        "catalog-worker": (ip("ordering-api"), HTTP_PORT),
        "catalog-api": to_apiserver,
    }.items():
        try:
            wait_until(
                partial(connects, shop_cluster, pods[src], host, port),
                holds=lambda opened: not opened,
                what=f"kube-router enforcing the policies on {src}",
                within=120,
                interval=1,
            )
        except AssertionError as err:  # the same failure, with what kube-router had in place
            log = node_cluster.node.run_dir / "kube-router.log"
            raise AssertionError(f"{err}\n{enforcement_report(log, ip(src))}") from None
    reach = {
        "notification looks orders up": ("notification-worker", ip("ordering-api"), HTTP_PORT),
        "notification calls another API": ("notification-worker", ip("catalog-api"), HTTP_PORT),
        "an API calls a worker": ("catalog-api", ip("ordering-worker"), HTTP_PORT),
        "a relay calls an API": ("ordering-relay", ip("payment-api"), HTTP_PORT),
        "an API reaches the database": ("catalog-api", *database),
        # Kubernetes' docs call a pod's traffic with its own node always allowed; kube-router
        # still filters a pod's egress to the node's address (kubelet probes, which come from
        # the node, pass): the API server there is out of reach.
        "an API reaches the API server": ("catalog-api", *to_apiserver),
    }
    opened = {
        what: connects(shop_cluster, pods[src], host, int(port or 0))
        for what, (src, host, port) in reach.items()
    }
    assert opened == {
        "notification looks orders up": True,
        "notification calls another API": False,
        "an API calls a worker": False,
        "a relay calls an API": False,
        "an API reaches the database": True,
        "an API reaches the API server": False,
    }
    # The shop still works through its exposure (the host's Traefik, the HTTPRoute).
    client = gateway_client(shop_cluster)
    product = client.create_product(stock=5)
    order_id = client.place_order("behind-network-policies", product)
    assert client.outcome(order_id)["status"] == "CONFIRMED"
    page = httpx.get(f"{shop_cluster.traefik.web_url}/", headers={"Host": GATEWAY_HOST}, timeout=30)
    assert page.status_code == 200  # the web app takes the exposure's traffic too


def test_deleting_the_platform_with_retain_keeps_its_data(
    shop_cluster: NodeShopCluster, platform: dict[str, Any]
) -> None:
    name = platform["metadata"]["name"]
    orders_before = int(shop_cluster.postgres.psql("SELECT count(*) FROM ordering.orders", "shop"))
    assert orders_before > 0
    shop_cluster.kubectl(
        "-n", SHOP_NAMESPACE, "delete", "ecommerceplatform", name, "--wait=true", "--timeout=300s"
    )
    # The garbage collector deletes the platform's children after the platform itself.
    wait_until(
        lambda: kubectl_json(
            shop_cluster,
            "-n",
            SHOP_NAMESPACE,
            "get",
            "deployments",
            "-l",
            f"shopkeeper.dev/platform={name}",
        )["items"],
        holds=lambda left: left == [],
        what="the platform's Deployments deleted",
        within=180,
        interval=1,
    )
    assert int(shop_cluster.postgres.psql("SELECT count(*) FROM ordering.orders", "shop")) == (
        orders_before
    )
