"""The exposure the operator builds routes through a real controller (Traefik) to real APIs.

For each mode (Ingress, Gateway API HTTPRoute): the operator's Services (without a selector:
no pods here) get EndpointSlices pointing at `shop run <context>-api` processes on the host,
the operator's Ingress or HTTPRoute is applied, and requests go through Traefik with the
exposure's host.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from infra.fixtures_identity import IdentityProvider
from infra.fixtures_traefik import Cluster, apply_manifests
from integration.exposure.conftest import EXPOSED_CONTEXTS
from localinfra.traefik import Traefik
from shop.basket.bootstrap import bootstrap as basket_bootstrap
from shop.basket.domain import catalog_events as e
from shop.basket.domain.products import ProductSnapshot
from shopkeeper import constants as c
from shopkeeper.api import PlatformSpec
from shopkeeper.builders.exposure import build_exposure
from shopkeeper.builders.inputs import BuildInput, Manifest, Owner
from shopkeeper.builders.workloads import build_service, workloads

pytestmark = pytest.mark.integration

PLATFORM = "shop"
GATEWAY = "public"
ROUTER_PROVIDER = {"ingress": "kubernetes", "gateway": "kubernetesgateway"}


@dataclass(frozen=True)
class Exposed:
    """A platform's exposure applied in `namespace`, served by Traefik under `host`."""

    mode: str
    namespace: str
    host: str
    client: httpx.Client


def platform_input(namespace: str, exposure: dict[str, Any]) -> BuildInput:
    spec = PlatformSpec.model_validate(
        {"image": {"tag": "1.0.0"}, "kafka": {"strimziCluster": "kafka"}, "exposure": exposure}
    )
    return BuildInput(Owner(PLATFORM, namespace, str(uuid.uuid4())), spec, spec.image.reference)


def unowned(manifest: Manifest) -> Manifest:
    """The manifest without its ownerReference: no platform object exists to own it here
    (the garbage collector would delete a child of a missing owner)."""
    manifest["metadata"].pop("ownerReferences", None)
    return manifest


def api_services(inp: BuildInput) -> list[Manifest]:
    """The operator's API Services, without a selector: their endpoints are set by hand."""
    services = [build_service(inp, w) for w in workloads(inp) if w.role == "api"]
    for service in services:
        del service["spec"]["selector"]
    return [unowned(s) for s in services]


def endpoint_slice(service: Manifest, address: str, port: int) -> Manifest:
    """What the EndpointSlice controller would write for one ready pod at address:port."""
    name = service["metadata"]["name"]
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": f"{name}-host",
            "namespace": service["metadata"]["namespace"],
            "labels": {"kubernetes.io/service-name": name},
        },
        "addressType": "IPv4",
        "endpoints": [{"addresses": [address], "conditions": {"ready": True}}],
        "ports": [{"name": c.HTTP_PORT_NAME, "port": port, "protocol": "TCP"}],
    }


def exposure_spec(mode: str, namespace: str, host: str) -> dict[str, Any]:
    if mode == "ingress":
        return {"mode": "ingress", "host": host, "ingress": {"className": "traefik"}}
    return {"mode": "gateway", "host": host, "gateway": {"name": GATEWAY, "namespace": namespace}}


@pytest.fixture(scope="module", params=["ingress", "gateway"])
def exposed(
    request: pytest.FixtureRequest,
    traefik: Traefik,
    traefik_cluster: Cluster,
    context_apis: dict[str, int],
    route_address: str,
    identity: IdentityProvider,
) -> Iterator[Exposed]:
    mode: str = request.param
    namespace, host = f"exposure-{mode}", f"{mode}.shop.test"
    inp = platform_input(namespace, exposure_spec(mode, namespace, host))
    services = api_services(inp)
    by_context = {s["metadata"]["labels"][c.CONTEXT_LABEL]: s for s in services}
    manifests: list[Manifest] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}},
        *services,
        *(
            endpoint_slice(by_context[ctx], route_address, context_apis[ctx])
            for ctx in EXPOSED_CONTEXTS
        ),
    ]
    if mode == "gateway":
        manifests.append(traefik.gateway_manifest(GATEWAY, namespace))
    manifests += [unowned(m) for m in build_exposure(inp)]
    apply_manifests(traefik_cluster.kubeconfig, manifests)
    traefik.wait_for_routers(ROUTER_PROVIDER[mode], len(EXPOSED_CONTEXTS), name_part=namespace)
    headers = {"Host": host, **identity.admin().headers}  # catalog writes are an admin's
    with httpx.Client(base_url=traefik.web_url, headers=headers, timeout=10) as client:
        yield Exposed(mode, namespace, host, client)


def test_catalog_products_are_served_under_the_catalog_prefix(exposed: Exposed) -> None:
    category = {"slug": f"kitchen-{exposed.mode}", "name": "Kitchen"}
    assert exposed.client.post("/catalog/categories", json=category).status_code == 201
    product = {"name": "Mug", "category": category["slug"], "price": "9.50", "currency": "EUR"}
    created = exposed.client.post("/catalog/products", json=product)
    assert created.status_code == 201, created.text
    location = created.headers["location"]
    assert location == f"/catalog/products/{created.json()['id']}"

    shown = exposed.client.get(location)
    assert shown.status_code == 200, shown.text
    assert shown.json()["name"] == "Mug"
    listed = exposed.client.get("/catalog/products", params={"category": category["slug"]})
    assert listed.status_code == 200, listed.text
    assert [p["id"] for p in listed.json()["items"]] == [created.json()["id"]]


def test_a_path_no_rule_routes_is_traefiks_404_not_an_apis(exposed: Exposed) -> None:
    response = exposed.client.get("/warehouse/products")
    assert response.status_code == 404
    assert not response.headers.get("content-type", "").startswith("application/problem+json")


async def seed_basket_product(database_url: str, product: ProductSnapshot) -> None:
    """The basket's copy of a catalog product, as its worker would record it from the event."""
    engine = create_async_engine(database_url)
    try:
        basket = basket_bootstrap(engine)
        async with basket.unit_of_work() as uow:
            await basket.bus.handle_in(e.ProductAnnounced(product), uow)
            await uow.commit()
    finally:
        await engine.dispose()


def test_the_order_link_of_a_checkout_leads_to_the_order_through_the_exposure(
    exposed: Exposed, exposure_database: str, identity: IdentityProvider
) -> None:
    tea = ProductSnapshot(uuid.uuid4(), "Tea", Decimal("4.00"), "EUR", True, 1)
    asyncio.run(seed_basket_product(exposure_database, tea))
    buyer = identity.customer(3 if exposed.mode == "ingress" else 4)
    line = {"product_id": str(tea.product_id), "quantity": 2}
    added = exposed.client.post("/basket/carts/me/lines", json=line, headers=buyer.headers)
    assert added.status_code == 200, added.text

    checkout = exposed.client.post(
        "/basket/carts/me/checkout",
        headers={**buyer.headers, "Idempotency-Key": f"checkout-{exposed.mode}"},
    )
    assert checkout.status_code == 202, checkout.text
    order_id, order_url = checkout.json()["order_id"], checkout.json()["order_url"]
    assert order_url == f"/ordering/orders/{order_id}"
    assert checkout.headers["location"] == order_url

    # Basket's relay publishes the checkout and ordering's worker places the order.
    deadline = time.monotonic() + 60
    while (followed := exposed.client.get(order_url, headers=buyer.headers)).status_code == 404:
        assert followed.headers["content-type"].startswith("application/problem+json")
        assert time.monotonic() < deadline, "the order was not placed within 60s"
        time.sleep(0.2)
    assert followed.status_code == 200, followed.text
    assert followed.json()["id"] == order_id
