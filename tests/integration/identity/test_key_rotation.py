"""Key rotation for real: Dex replaces its signing key, and the APIs' token checks
(`TokenVerifier` on a `JwksCache`, as every API wires them) accept tokens of the new key by
refetching the JWKS, and still those of the replaced key while they live."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from localinfra.dex import Dex
from localinfra.dex_realm import API_AUDIENCE, API_SCOPES, DEMO_CLIENT
from shop.common.auth.jwks import JwksCache
from shop.common.auth.settings import AuthSettings
from shop.common.auth.token_client import OAuthClient
from shop.common.auth.verify import TokenVerifier
from support.polling import wait_until_async

ROTATION_WITHIN = 90
"""Seconds for Dex to rotate a key that expires at once: it checks every 30 s."""


@pytest.fixture(scope="module")
def rotating_dex(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dex]:
    """A Dex of its own whose signing keys expire after a second."""
    workdir: Path = tmp_path_factory.mktemp("rotating-dex")
    with Dex(workdir, signing_key_lifetime="1s") as dex:
        yield dex


def kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


@pytest.mark.timeout(ROTATION_WITHIN + 60)
async def test_tokens_of_a_rotated_key_pass_by_a_jwks_refresh_and_old_ones_still_do(
    rotating_dex: Dex,
) -> None:
    dex = rotating_dex
    client = OAuthClient(dex.token_url, DEMO_CLIENT, dex.secrets[DEMO_CLIENT], API_SCOPES)
    settings = AuthSettings(issuer=dex.issuer, audience=API_AUDIENCE)
    async with httpx.AsyncClient(timeout=30) as http:
        keys = JwksCache(http, dex.issuer, refresh_seconds=settings.jwks_refresh_seconds)
        verifier = TokenVerifier(settings, keys)
        before = (await client.client_credentials(http)).access_token
        assert (await verifier.claims(before))["iss"] == dex.issuer  # the cache holds the old key

        async def token() -> str:
            return (await client.client_credentials(http)).access_token

        after = await wait_until_async(
            token,
            holds=lambda found: kid(found) != kid(before),
            what="Dex signing with a new key",
            within=ROTATION_WITHIN,
            interval=2,
        )
        published = {k["kid"] for k in (await http.get(dex.jwks_url)).json()["keys"]}
        new_claims = await verifier.claims(after)
        old_claims = await verifier.claims(before)

    assert {kid(before), kid(after)} <= published
    assert new_claims["sub"] == old_claims["sub"]  # the same client, checked with either key
