"""The local front door for real: the gateway (Traefik) with Dex behind it at `/dex`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from infra.fixtures_traefik import start_or_end_session
from localinfra.dex_realm import API_AUDIENCE, API_SCOPES, DEMO_CLIENT
from localinfra.front_door import FrontDoor, start_front_door
from shop.common.auth.token_client import OAuthClient


@pytest.fixture(scope="module")
def front_door(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FrontDoor]:
    with contextlib.ExitStack() as started:
        workdir: Path = tmp_path_factory.mktemp("front-door")
        doors: list[FrontDoor] = []
        start_or_end_session(
            lambda: doors.append(start_front_door(started, workdir)), started.close, "front door"
        )
        yield doors[0]


def test_the_issuer_is_the_gateways_origin(front_door: FrontDoor) -> None:
    origin = front_door.gateway.url
    found = httpx.get(f"{origin}/dex/.well-known/openid-configuration", timeout=10).json()
    assert found["issuer"] == f"{origin}/dex"
    assert found["token_endpoint"] == f"{origin}/dex/token"
    assert "S256" in found["code_challenge_methods_supported"]


async def test_a_token_fetched_through_the_gateway_names_the_apis_audience(
    front_door: FrontDoor,
) -> None:
    identity = front_door.identity()
    client = OAuthClient(
        f"{identity.gateway_url}/dex/token", DEMO_CLIENT, identity.demo_client_secret, API_SCOPES
    )
    async with httpx.AsyncClient(timeout=30) as http:
        token = await client.client_credentials(http)
    claims = jwt.decode(token.access_token, options={"verify_signature": False})
    assert claims["iss"] == identity.issuer
    assert API_AUDIENCE in claims["aud"]
    assert claims["groups"] == ["shopkeeper-admin"]
