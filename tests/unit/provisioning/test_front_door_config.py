"""The front door's configuration: Dex's realm and the gateway's routes, without starting either."""

from __future__ import annotations

from localinfra.dex_realm import (
    ADMIN_GROUP,
    API_AUDIENCE,
    DEMO_CLIENT,
    NOTIFICATION_CLIENT,
    SERVICE_GROUP,
    WEB_CLIENT,
    Realm,
    dex_config,
)
from localinfra.gateway_routes import GatewayOptions, gateway_config

SECRETS = {API_AUDIENCE: "a", DEMO_CLIENT: "d", NOTIFICATION_CLIENT: "n"}
APIS = {"catalog": "http://127.0.0.1:1001", "ordering": "http://127.0.0.1:1002"}


def _realm() -> Realm:
    return Realm("http://127.0.0.1:8080/dex", ("http://127.0.0.1:8080",), SECRETS)


def test_the_api_audience_trusts_every_client_that_calls_the_apis() -> None:
    clients = {c["id"]: c for c in _realm().clients()}
    assert set(clients[API_AUDIENCE]["trustedPeers"]) == {
        WEB_CLIENT,
        DEMO_CLIENT,
        NOTIFICATION_CLIENT,
    }


def test_the_web_client_is_public_and_returns_to_its_own_origin() -> None:
    web = {c["id"]: c for c in _realm().clients()}[WEB_CLIENT]
    assert web["public"] is True
    assert "secret" not in web
    assert web["redirectURIs"] == ["http://127.0.0.1:8080/callback", "http://127.0.0.1:8080/"]


def test_services_and_the_demo_client_get_their_roles_by_client_credentials() -> None:
    clients = {c["id"]: c for c in _realm().clients()}
    assert clients[DEMO_CLIENT]["clientCredentialsClaims"] == {"groups": [ADMIN_GROUP]}
    assert clients[NOTIFICATION_CLIENT]["clientCredentialsClaims"] == {"groups": [SERVICE_GROUP]}


def test_dex_enforces_pkce_and_offers_the_grants_the_shop_uses() -> None:
    config = dex_config(_realm(), "127.0.0.1:5556")
    assert config["oauth2"]["pkce"] == {"enforce": True, "codeChallengeMethodsSupported": ["S256"]}
    assert {"authorization_code", "password", "client_credentials"} <= set(
        config["oauth2"]["grantTypes"]
    )
    assert config["web"]["http"] == "127.0.0.1:5556"
    admins = [u for u in config["staticPasswords"] if ADMIN_GROUP in u["groups"]]
    assert [u["email"] for u in admins] == ["admin@shopkeeper.dev"]
    assert all(u["hash"].startswith("$2a$10$") for u in config["staticPasswords"])


def test_each_context_is_reached_under_api_with_the_path_unchanged() -> None:
    # The APIs serve under /api/<context> (ADR 0041): their links keep the prefix.
    http = gateway_config(APIS, dex_url="http://127.0.0.1:5556/dex")["http"]
    catalog = http["routers"]["api-catalog"]
    assert catalog["rule"] == "Path(`/api/catalog`) || PathPrefix(`/api/catalog/`)"
    assert catalog["middlewares"] == ["api-cors", "api-problems", "api-rate-limit"]
    assert not any("stripPrefix" in m for m in http["middlewares"].values())
    assert http["services"]["api-catalog"]["loadBalancer"]["servers"] == [{"url": APIS["catalog"]}]


def test_dex_is_reached_unchanged_under_its_issuer_path() -> None:
    http = gateway_config(APIS, dex_url="http://127.0.0.1:5556/dex")["http"]
    assert http["routers"]["dex"]["rule"] == "PathPrefix(`/dex`)"
    assert "middlewares" not in http["routers"]["dex"]
    assert http["services"]["dex"]["loadBalancer"]["servers"] == [{"url": "http://127.0.0.1:5556"}]


def test_api_routes_get_cors_a_rate_limit_and_problem_pages() -> None:
    options = GatewayOptions(cors_origins=("http://127.0.0.1:5173",), requests_per_second=7)
    http = gateway_config(APIS, options=options)["http"]
    middlewares = http["middlewares"]
    assert middlewares["api-cors"]["headers"]["accessControlAllowOriginList"] == [
        "http://127.0.0.1:5173"
    ]
    assert "Authorization" in middlewares["api-cors"]["headers"]["accessControlAllowHeaders"]
    assert middlewares["api-rate-limit"]["rateLimit"]["average"] == 7
    assert middlewares["api-problems"]["errors"]["query"] == "/problems/{status}"
    assert http["routers"]["api-unknown"]["middlewares"][-1] == "api-not-found"


def test_before_the_apis_start_only_dex_and_the_web_app_are_routed() -> None:
    dex, web = "http://127.0.0.1:5556/dex", "http://127.0.0.1:3000"
    http = gateway_config({}, dex_url=dex, web_url=web)["http"]
    assert set(http["routers"]) == {"dex", "web"}
    assert http["routers"]["web"]["priority"] == 1
