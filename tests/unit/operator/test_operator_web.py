"""The web app on a cluster: its Deployment and Service, and `/` of the exposure's host."""

from __future__ import annotations

from typing import Any

from shopkeeper.builders.platform import build_all
from unit.operator.operator_support import build_input, by_kind, spec_from

AUTH = {"issuer": "https://shop.test/dex", "audience": "shopkeeper"}
GATEWAY = {"mode": "gateway", "host": "shop.test", "gateway": {"name": "public"}}


def _env(deployment: dict[str, Any]) -> dict[str, str]:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return {e["name"]: e["value"] for e in container["env"]}


def test_no_web_app_unless_enabled() -> None:
    manifests = build_all(build_input(spec_from(auth=AUTH, exposure=GATEWAY)))
    assert "shop-storefront-web" not in by_kind(manifests, "Deployment")
    [route] = by_kind(manifests, "HTTPRoute").values()
    assert "/" not in [r["matches"][0]["path"]["value"] for r in route["spec"]["rules"]]


def test_the_web_app_runs_the_image_with_the_providers_login_and_no_shop_secrets() -> None:
    spec = spec_from(auth=AUTH, exposure=GATEWAY, web={"enabled": True, "replicas": 2})
    manifests = build_all(build_input(spec))
    deployment = by_kind(manifests, "Deployment")["shop-storefront-web"]
    assert deployment["spec"]["replicas"] == 2
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["shop", "run", "storefront-web"]
    assert container["image"] == "ghcr.io/shopkeeper/shopkeeper:1.0.0"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert "envFrom" not in container  # no database, Kafka or token-check settings
    assert _env(deployment) == {
        "SHOP_STOREFRONT_DIST_DIR": "/app/web/dist",
        "SHOP_STOREFRONT_HTTP_HOST": "0.0.0.0",
        "SHOP_STOREFRONT_HTTP_PORT": "8000",
        "SHOP_STOREFRONT_API_BASE": "/api",
        "SHOP_STOREFRONT_OIDC_AUTHORITY": "https://shop.test/dex",
        "SHOP_STOREFRONT_OIDC_CLIENT_ID": "shopkeeper-web",
        "SHOP_STOREFRONT_OIDC_SCOPE": (
            "openid profile email groups audience:server:client_id:shopkeeper"
        ),
        "SHOP_STOREFRONT_OIDC_ROLE_CLAIM": "groups",
        "SHOP_STOREFRONT_OIDC_ADMIN_ROLE": "shopkeeper-admin",
    }
    service = by_kind(manifests, "Service")["shop-storefront-web"]
    assert "clusterIP" not in service["spec"]  # a virtual IP: the exposure routes to it


def test_the_spec_may_name_another_authority_client_and_scope() -> None:
    web = {
        "enabled": True,
        "authority": "https://login.test",
        "clientId": "web",
        "scope": "openid",
        "adminRole": "staff",
    }
    spec = spec_from(auth=AUTH, exposure=GATEWAY, web=web)
    env = _env(by_kind(build_all(build_input(spec)), "Deployment")["shop-storefront-web"])
    assert env["SHOP_STOREFRONT_OIDC_AUTHORITY"] == "https://login.test"
    assert env["SHOP_STOREFRONT_OIDC_CLIENT_ID"] == "web"
    assert env["SHOP_STOREFRONT_OIDC_SCOPE"] == "openid"
    assert env["SHOP_STOREFRONT_OIDC_ADMIN_ROLE"] == "staff"


def test_the_web_app_waits_at_zero_pods_for_the_first_migration() -> None:
    spec = spec_from(auth=AUTH, web={"enabled": True})
    deployment = by_kind(build_all(build_input(spec, held=True)), "Deployment")
    assert deployment["shop-storefront-web"]["spec"]["replicas"] == 0


def test_the_route_sends_slash_to_the_web_app_and_api_prefixes_to_the_apis() -> None:
    spec = spec_from(auth=AUTH, exposure=GATEWAY, web={"enabled": True})
    [route] = by_kind(build_all(build_input(spec)), "HTTPRoute").values()
    rules = {r["matches"][0]["path"]["value"]: r["backendRefs"] for r in route["spec"]["rules"]}
    assert rules["/"] == [{"name": "shop-storefront-web", "port": 80}]
    assert rules["/api/ordering"] == [{"name": "shop-ordering-api", "port": 80}]
    assert rules["/ordering"] == rules["/api/ordering"]


def test_the_ingress_routes_the_same_paths() -> None:
    exposure = {"mode": "ingress", "host": "shop.test", "ingress": {"className": "traefik"}}
    spec = spec_from(auth=AUTH, exposure=exposure, web={"enabled": True})
    [ingress] = by_kind(build_all(build_input(spec)), "Ingress").values()
    (rule,) = ingress["spec"]["rules"]
    paths = {p["path"]: p["backend"]["service"]["name"] for p in rule["http"]["paths"]}
    assert paths["/"] == "shop-storefront-web"
    assert paths["/api/catalog"] == paths["/catalog"] == "shop-catalog-api"
    assert {p["pathType"] for p in rule["http"]["paths"]} == {"Prefix"}


def test_network_policies_let_the_exposure_reach_the_web_app() -> None:
    exposure_peer = [{"ipBlock": {"cidr": "10.88.0.1/32"}}]
    policy = {"enabled": True, "apiIngressFrom": exposure_peer}
    spec = spec_from(auth=AUTH, web={"enabled": True}, networkPolicy=policy)
    policies = by_kind(build_all(build_input(spec)), "NetworkPolicy")
    web = policies["shop-web-ingress"]["spec"]
    assert web["podSelector"]["matchLabels"]["shopkeeper.dev/role"] == "web"
    assert web["ingress"][0]["from"] == exposure_peer
