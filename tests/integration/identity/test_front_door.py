"""The local front door for real: the gateway (Traefik) with Dex behind it at `/dex`."""

from __future__ import annotations

import httpx
import jwt

from localinfra.dex_realm import API_AUDIENCE, API_SCOPES, DEMO_CLIENT
from localinfra.front_door import FrontDoor
from shop.common.auth.token_client import OAuthClient


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
