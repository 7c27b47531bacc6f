"""The shop on the local node, timed as a person runs it (docs/install.md, "A real node here").

`python -m bench.node_cluster` (as root, from the repository root; `make bench` runs it) does
what `hack/local-cluster up --node`, `helm install` and `kubectl apply -f
k8s/samples/platform-local-node.yaml` do, in-process, and prints one JSON line:

    {"image_build_s": .., "base_image_cached": .., "node_start_to_ready_s": ..,
     "operator_install_s": .., "apply_to_platform_ready_s": .., "ready_to_first_order_s": ..,
     "machine": ".."}

image_build_s: the project image from the unchanged Dockerfile (and, unless
base_image_cached, the mmdebstrap base first); node_start_to_ready_s: bridge, control plane,
containerd, kubelet and kube-proxy until the Node is Ready; apply_to_platform_ready_s: from
`kubectl apply` of the platform to its Ready condition (migrations Job, every Deployment);
ready_to_first_order_s: from there until the first order placed through the APIs is CONFIRMED.
Every host change is undone at the end.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
from bench.common.machine import LoadWatch

from localinfra.cluster_tools import ClusterTools
from localinfra.dex import Dex
from localinfra.dex_realm import (
    API_SCOPES,
    CUSTOMER_PASSWORD,
    DEMO_CLIENT,
    NOTIFICATION_CLIENT,
    numbered_customer,
)
from localinfra.node_host import BRIDGE_IP
from localinfra.node_images import PROJECT_REPOSITORY
from localinfra.node_services import DATABASE, NodeServices
from localinfra.shop_install import (
    chart_install_args,
    db_secret,
    local_node_platform,
    oidc_client_secret,
    platform_auth,
    service_urls,
)
from shop.common.auth.token_client import OAuthClient

NAMESPACE = "shop"
ORDER_TIMEOUT_S = 300.0


def tokens(dex: Dex) -> tuple[dict[str, str], dict[str, str]]:
    """Bearer headers of an admin (the demo client) and a demo customer, from `dex`."""
    client = OAuthClient(dex.token_url, DEMO_CLIENT, dex.secrets[DEMO_CLIENT], API_SCOPES)
    customer = numbered_customer(1)

    async def fetch() -> tuple[str, str]:
        async with httpx.AsyncClient(timeout=30) as http:
            admin = await client.client_credentials(http)
            buyer = await client.password(http, customer.email, CUSTOMER_PASSWORD)
        return admin.access_token, buyer.access_token

    admin, buyer = asyncio.run(fetch())
    return {"Authorization": f"Bearer {admin}"}, {"Authorization": f"Bearer {buyer}"}


def first_confirmed_order(urls: dict[str, str], dex: Dex, timeout: float = ORDER_TIMEOUT_S) -> None:
    """Create a product (as an admin), fill a cart, check out and wait for the order's
    confirmation (as a customer)."""
    deadline = time.monotonic() + timeout
    admin, buyer = tokens(dex)
    with httpx.Client(timeout=10) as http:
        for url in (urls["catalog"], urls["basket"], urls["ordering"]):
            while not _answers(http, f"{url}/readyz"):  # kube-proxy follows within a second
                _before(deadline, f"{url} answering")
        category = {"slug": "bench", "name": "Bench"}
        http.post(f"{urls['catalog']}/categories", json=category, headers=admin)
        product = http.post(
            f"{urls['catalog']}/products",
            json={
                "name": "Bench mug",
                "category": "bench",
                "price": "9.50",
                "currency": "EUR",
                "initial_stock": 5,
            },
            headers=admin,
        )
        product.raise_for_status()
        line = {"product_id": product.json()["id"], "quantity": 1}
        cart = f"{urls['basket']}/carts/me"
        while http.post(f"{cart}/lines", json=line, headers=buyer).status_code != 200:
            _before(deadline, "the product reaching the basket")
        checkout = http.post(f"{cart}/checkout", headers={**buyer, "Idempotency-Key": "bench-1"})
        checkout.raise_for_status()
        order_url = f"{urls['ordering']}/orders/{checkout.json()['order_id']}"
        while True:
            order = http.get(order_url, headers=buyer)
            status = order.json().get("status") if order.status_code == 200 else None
            if status == "CONFIRMED":
                return
            if status == "CANCELLED":
                raise RuntimeError(f"the first order was cancelled: {order.json()}")
            _before(deadline, "the first order's confirmation")


def _answers(http: httpx.Client, url: str) -> bool:
    try:
        return http.get(url).status_code == 200
    except httpx.HTTPError:
        return False


def _before(deadline: float, what: str) -> None:
    if time.monotonic() > deadline:
        raise TimeoutError(f"{what} took longer than {ORDER_TIMEOUT_S:.0f}s")
    time.sleep(0.2)


def main() -> int:
    if os.geteuid() != 0:
        print("bench.node_cluster runs a kubelet and containerd: it needs root", file=sys.stderr)
        return 1
    load = LoadWatch()
    with tempfile.TemporaryDirectory(prefix="shopkeeper-bench-node-") as scratch:
        services = NodeServices(Path(scratch) / "run")
        stack = ExitStack()
        try:
            services.start(Path(scratch) / "run")
            # On the bridge, so that the pods reach its keys; its issuer is in every token.
            dex = stack.enter_context(Dex(Path(scratch) / "dex", host=BRIDGE_IP))
            load.sample()
            assert services.postgres is not None
            assert services.kafka is not None
            tools = ClusterTools(services.kubeconfig)
            started = time.monotonic()
            tools.helm(*chart_install_args(PROJECT_REPOSITORY, services.image_tag), timeout=600)
            operator_s = time.monotonic() - started
            tools.kubectl("create", "namespace", NAMESPACE)
            postgres = services.postgres
            tools.apply(db_secret(NAMESPACE, postgres.superuser, postgres.password))
            client_secret = dex.secrets[NOTIFICATION_CLIENT]
            tools.apply(oidc_client_secret(NAMESPACE, NOTIFICATION_CLIENT, client_secret))
            manifest = local_node_platform(
                namespace=NAMESPACE,
                tag=services.image_tag,
                kafka=services.kafka.bootstrap_servers,
                db_host=postgres.host,
                db_port=postgres.port,
            )
            manifest["spec"]["database"]["name"] = DATABASE
            manifest["spec"]["auth"] = platform_auth(dex.issuer)
            load.sample()
            applied = time.monotonic()
            tools.apply(manifest)
            name = manifest["metadata"]["name"]
            tools.kubectl(
                "-n",
                NAMESPACE,
                "wait",
                f"ecp/{name}",
                "--for=condition=Ready",
                "--timeout=900s",
                timeout=960,
            )
            ready = time.monotonic()
            load.sample()
            first_confirmed_order(service_urls(tools, name, NAMESPACE), dex)
            confirmed = time.monotonic()
            load.sample()
        finally:
            stack.close()
            services.stop()
    timings = services.timings
    print(
        json.dumps(
            {
                "image_build_s": round(timings["image_build_s"], 1),
                "base_image_cached": timings["base_image_s"] == 0,
                "node_start_to_ready_s": round(timings["node_start_to_ready_s"], 1),
                "operator_install_s": round(operator_s, 1),
                "apply_to_platform_ready_s": round(ready - applied, 1),
                "ready_to_first_order_s": round(confirmed - ready, 1),
                "machine": load.describe(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
