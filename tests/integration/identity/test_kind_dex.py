"""The kind Dex (k8s/kind/infra/dex.yaml) on the real Dex the project builds: its very
configuration, with only where it listens and, with that, its issuer moved to this test's
loopback ports, run with the Deployment's environment (Secret references resolved).

Tokens of the demo users (logged in as tests/kind and Tilt's demo-load do), of notification's
client (the Secret the kind platform's `spec.auth.clientCredentialsSecret` names) and of the web
app's public client (authorization code with PKCE, through Dex's login form) carry the issuer,
audience and groups that spec.auth expects, and pass the APIs' own token checks with the keys
of the JWKS path spec.auth names.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx
import pytest

from kind.shop_client import demo_tokens
from localinfra.dex import ISSUER_PATH, Dex
from localinfra.dex_realm import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    API_SCOPES,
    DEMO_CLIENT,
    WEB_CLIENT,
)
from shop.common.auth.jwks import JwksCache
from shop.common.auth.principal import Principal
from shop.common.auth.settings import AuthSettings
from shop.common.auth.token_client import OAuthClient
from shop.common.auth.verify import TokenVerifier
from shop.devstack.ports import free_port
from support.kind_dex import KindDex, kind_platform_auth


class KindConfigDex(Dex):
    """Dex run with the kind manifest's configuration and environment."""

    def __init__(self, workdir: Path, manifests: KindDex) -> None:
        super().__init__(workdir)
        self.manifests = manifests
        self.telemetry_port = free_port()
        self.issuer = f"http://{self.host}:{self.port}{urlsplit(manifests.config['issuer']).path}"
        self.secrets = {DEMO_CLIENT: manifests.client_secret(DEMO_CLIENT)}

    def moved(self) -> dict[str, str]:
        """What this run changes in the manifest's configuration: where it listens."""
        return {
            "issuer": self.issuer,
            "web.http": f"{self.host}:{self.port}",
            "telemetry.http": f"{self.host}:{self.telemetry_port}",
        }

    def config(self) -> dict[str, Any]:
        config = self.manifests.config
        for dotted, value in self.moved().items():
            *parents, key = dotted.split(".")
            section = config
            for parent in parents:
                section = section[parent]
            section[key] = value
        return config

    def process_env(self) -> dict[str, str]:
        return self.manifests.container_env()


@pytest.fixture(scope="module")
def kind_dex(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KindConfigDex]:
    with KindConfigDex(tmp_path_factory.mktemp("kind-dex"), KindDex.load()) as dex:
        yield dex


@pytest.fixture(scope="module")
def auth() -> dict[str, Any]:
    """The kind platform's spec.auth."""
    return kind_platform_auth()


def here(dex: KindConfigDex, in_cluster_url: str) -> str:
    """An in-cluster URL of the Service (spec.auth's jwksUrl, tokenUrl) on this run's Dex."""
    return f"http://{dex.host}:{dex.port}{urlsplit(in_cluster_url).path}"


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


async def principal(
    http: httpx.AsyncClient, dex: KindConfigDex, auth: dict[str, Any], token: str
) -> tuple[Principal, dict[str, Any]]:
    """The token through the APIs' checks, configured as the operator configures them."""
    settings = AuthSettings(
        issuer=dex.issuer,
        audience=auth["audience"],
        jwks_url=here(dex, auth["jwksUrl"]),
        admin_group=auth["adminGroup"],
        service_group=auth["serviceGroup"],
    )
    verifier = TokenVerifier(settings, JwksCache(http, settings.issuer, settings.jwks_url))
    claims = await verifier.claims(token)
    return await verifier.verify(token), claims


def test_only_the_listen_addresses_and_the_issuer_moved(kind_dex: KindConfigDex) -> None:
    manifest = kind_dex.manifests.config
    run = kind_dex.config()
    assert manifest["issuer"] == kind_platform_auth()["issuer"]
    assert set(kind_dex.moved()) == {"issuer", "web.http", "telemetry.http"}
    assert {k: v for k, v in run.items() if k not in ("issuer", "web", "telemetry")} == {
        k: v for k, v in manifest.items() if k not in ("issuer", "web", "telemetry")
    }
    assert run["web"]["allowedOrigins"] == manifest["web"]["allowedOrigins"]
    assert urlsplit(kind_dex.issuer).path == ISSUER_PATH


async def test_it_is_ready_on_the_probes_the_kubelet_uses(
    kind_dex: KindConfigDex, http: httpx.AsyncClient
) -> None:
    container = kind_dex.manifests.container
    for probe in ("readinessProbe", "livenessProbe"):
        path = container[probe]["httpGet"]["path"]
        response = await http.get(f"http://{kind_dex.host}:{kind_dex.telemetry_port}{path}")
        assert response.status_code == 200, (probe, response.text)


async def test_the_demo_users_tokens_are_what_the_platform_accepts(
    kind_dex: KindConfigDex, auth: dict[str, Any], http: httpx.AsyncClient
) -> None:
    # As tests/kind and Tilt's demo-load log them in (shop_client.demo_tokens).
    admin_token, customer_token = await asyncio.to_thread(
        demo_tokens, here(kind_dex, auth["tokenUrl"]), kind_dex.manifests.client_secret(DEMO_CLIENT)
    )
    admin, admin_claims = await principal(http, kind_dex, auth, admin_token)
    customer, claims = await principal(http, kind_dex, auth, customer_token)
    assert admin_claims["iss"] == claims["iss"] == kind_dex.issuer
    assert auth["audience"] in admin_claims["aud"]
    assert auth["audience"] in claims["aud"]
    assert admin_claims["groups"] == [auth["adminGroup"]]
    assert (admin.is_admin, customer.is_admin, customer.is_service) == (True, False, False)
    assert customer.name == "customer"


async def test_notifications_client_credentials_give_a_service_token(
    kind_dex: KindConfigDex, auth: dict[str, Any], http: httpx.AsyncClient
) -> None:
    credentials = kind_dex.manifests.secret_data(auth["clientCredentialsSecret"])
    notification = OAuthClient(
        here(kind_dex, auth["tokenUrl"]),
        credentials["client-id"],
        credentials["client-secret"],
        API_SCOPES,
    )
    token = await notification.client_credentials(http)
    service, claims = await principal(http, kind_dex, auth, token.access_token)
    assert claims["iss"] == kind_dex.issuer
    assert auth["audience"] in claims["aud"]
    assert claims["groups"] == [auth["serviceGroup"]]
    assert (service.is_service, service.is_admin) == (True, False)
    assert service.client == credentials["client-id"]


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def authorization_code(
    http: httpx.AsyncClient, dex: KindConfigDex, redirect_uri: str, challenge: str
) -> str:
    """Log the admin in through Dex's login form as a browser does; the code it redirects with."""
    query = {
        "client_id": WEB_CLIENT,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": " ".join(API_SCOPES),
        "state": "kind-test",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    form = await http.get(f"{dex.url}/auth?{urlencode(query)}", follow_redirects=True)
    assert form.status_code == 200, form.text[:500]
    action = re.search(r'<form method="post" action="([^"]+)"', form.text)
    assert action, form.text[:500]
    answer = await http.post(
        urljoin(str(form.url), html.unescape(action.group(1))),
        data={"login": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
    )
    while not answer.headers.get("location", "").startswith(redirect_uri):
        assert answer.is_redirect, (answer.status_code, answer.text[:500])
        answer = await http.get(urljoin(str(answer.url), answer.headers["location"]))
    returned = parse_qs(urlsplit(answer.headers["location"]).query)
    assert returned["state"] == ["kind-test"]
    return returned["code"][0]


async def test_the_web_apps_public_client_logs_in_with_pkce_from_its_origin(
    kind_dex: KindConfigDex, auth: dict[str, Any], http: httpx.AsyncClient
) -> None:
    web = kind_dex.manifests.client(WEB_CLIENT)
    redirect_uri = web["redirectURIs"][0]
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(redirect_uri))
    discovery = await http.get(
        f"{kind_dex.url}/.well-known/openid-configuration", headers={"Origin": origin}
    )
    assert discovery.headers.get("access-control-allow-origin") == origin  # the browser's fetch
    verifier, challenge = pkce_pair()
    code = await authorization_code(http, kind_dex, redirect_uri, challenge)
    response = await http.post(
        here(kind_dex, auth["tokenUrl"]),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": WEB_CLIENT,
            "code_verifier": verifier,
        },
    )
    assert response.status_code == 200, response.text
    admin, claims = await principal(http, kind_dex, auth, response.json()["access_token"])
    assert auth["audience"] in claims["aud"]
    assert claims["azp"] == WEB_CLIENT
    assert admin.is_admin
