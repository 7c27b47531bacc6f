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

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx
from bench.common.machine import LoadWatch

from localinfra.cluster_tools import ClusterTools
from localinfra.node_images import PROJECT_REPOSITORY
from localinfra.node_services import DATABASE, NodeServices
from localinfra.shop_install import (
    chart_install_args,
    db_secret,
    local_node_platform,
    service_urls,
)

NAMESPACE = "shop"
ORDER_TIMEOUT_S = 300.0


def first_confirmed_order(urls: dict[str, str], timeout: float = ORDER_TIMEOUT_S) -> None:
    """Create a product, fill a cart, check out, and wait for the order's confirmation."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=10) as http:
        for url in (urls["catalog"], urls["basket"], urls["ordering"]):
            while not _answers(http, f"{url}/readyz"):  # kube-proxy follows within a second
                _before(deadline, f"{url} answering")
        http.post(f"{urls['catalog']}/categories", json={"slug": "bench", "name": "Bench"})
        product = http.post(
            f"{urls['catalog']}/products",
            json={
                "name": "Bench mug",
                "category": "bench",
                "price": "9.50",
                "currency": "EUR",
                "initial_stock": 5,
            },
        )
        product.raise_for_status()
        line = {"product_id": product.json()["id"], "quantity": 1}
        while http.post(f"{urls['basket']}/carts/bench/lines", json=line).status_code != 200:
            _before(deadline, "the product reaching the basket")
        checkout = http.post(
            f"{urls['basket']}/carts/bench/checkout", headers={"Idempotency-Key": "bench-1"}
        )
        checkout.raise_for_status()
        order_url = f"{urls['ordering']}/orders/{checkout.json()['order_id']}"
        while True:
            order = http.get(order_url)
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
        try:
            services.start(Path(scratch) / "run")
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
            manifest = local_node_platform(
                namespace=NAMESPACE,
                tag=services.image_tag,
                kafka=services.kafka.bootstrap_servers,
                db_host=postgres.host,
                db_port=postgres.port,
            )
            manifest["spec"]["database"]["name"] = DATABASE
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
            first_confirmed_order(service_urls(tools, name, NAMESPACE))
            confirmed = time.monotonic()
            load.sample()
        finally:
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
