"""The token checks' logic with keys of the test's own: rotation, and each claim that is checked.

The provider's JWKS endpoint is an httpx transport here (the real Dex is in the integration and
authorization tests); what is under test is the cache and the verifier.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from shop.common.auth.jwks import JwksCache
from shop.common.auth.settings import AuthSettings
from shop.common.auth.verify import InvalidTokenError, TokenVerifier

ISSUER, AUDIENCE = "https://id.test/dex", "shopkeeper"


class Provider:
    """Signing keys by kid, published as a JWKS; counts the fetches."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.published: list[str] = []
        self.fetches = 0

    def rotate(self, kid: str) -> None:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.published.append(kid)

    def jwks(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        keys = []
        for kid in self.published:
            jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.keys[kid].public_key()))
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return httpx.Response(200, json={"keys": keys})

    def token(self, kid: str, *, drop: tuple[str, ...] = (), **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": ISSUER, "aud": [AUDIENCE], "sub": "alice", "iat": now, "exp": now + 60}
        payload = {k: v for k, v in {**body, **claims}.items() if k not in drop}
        return jwt.encode(payload, self.keys[kid], "RS256", headers={"kid": kid})


def verifier(provider: Provider, refresh_seconds: float = 0) -> TokenVerifier:
    settings = AuthSettings(issuer=ISSUER, audience=AUDIENCE, leeway_seconds=0)
    http = httpx.AsyncClient(transport=httpx.MockTransport(provider.jwks))
    keys = JwksCache(http, ISSUER, f"{ISSUER}/keys", refresh_seconds=refresh_seconds)
    return TokenVerifier(settings, keys)


async def test_a_token_signed_by_a_key_published_after_the_last_fetch_is_accepted() -> None:
    provider = Provider()
    provider.rotate("one")
    checks = verifier(provider)
    assert (await checks.verify(provider.token("one"))).subject == "alice"

    provider.rotate("two")
    principal = await checks.verify(provider.token("two", sub="bob"))

    assert principal.subject == "bob"
    assert provider.fetches == 2


async def test_unknown_key_ids_refetch_the_keys_at_most_once_per_interval() -> None:
    provider = Provider()
    provider.rotate("one")
    checks = verifier(provider, refresh_seconds=3600)
    await checks.verify(provider.token("one"))
    provider.rotate("made-up")

    for _ in range(3):
        with pytest.raises(InvalidTokenError, match="does not publish"):
            await checks.verify(provider.token("made-up"))

    assert provider.fetches == 1


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"exp": int(time.time()) - 5}, "expired"),
        ({"aud": ["another-api"]}, "audience"),
        ({"iss": "https://elsewhere.test"}, "issuer"),
        ({"drop": ("sub",)}, "invalid"),
        ({"drop": ("exp",)}, "invalid"),
    ],
)
async def test_a_token_is_refused_for_each_claim_that_is_wrong(
    claims: dict[str, Any], reason: str
) -> None:
    provider = Provider()
    provider.rotate("one")
    token = provider.token("one", **claims)

    with pytest.raises(InvalidTokenError, match=reason):
        await verifier(provider).verify(token)


async def test_unsigned_and_symmetric_tokens_are_refused() -> None:
    provider = Provider()
    provider.rotate("one")
    unsigned = (
        b".".join(
            base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=")
            for part in ({"alg": "none", "kid": "one"}, {"sub": "alice"})
        ).decode()
        + "."
    )
    shared = jwt.encode({"sub": "alice"}, "s" * 32, algorithm="HS256", headers={"kid": "one"})

    for token in (unsigned, shared):
        with pytest.raises(InvalidTokenError, match="not accepted"):
            await verifier(provider).verify(token)


async def test_roles_come_from_the_groups_claim() -> None:
    provider = Provider()
    provider.rotate("one")
    checks = verifier(provider)

    admin = await checks.verify(provider.token("one", groups=["shopkeeper-admin"]))
    service = await checks.verify(provider.token("one", groups=["shopkeeper-service"]))
    customer = await checks.verify(provider.token("one"))

    assert (admin.is_admin, admin.is_staff) == (True, True)
    assert (service.is_service, service.is_staff) == (True, True)
    assert (customer.is_admin, customer.is_staff) == (False, False)


class CountingKeys(JwksCache):
    """The provider's keys, counting how often a verification asked for one."""

    lookups = 0

    async def key(self, kid: str) -> jwt.PyJWK | None:
        self.lookups += 1
        return await super().key(kid)


def remembering_verifier(
    provider: Provider, clock: list[float], remembered: int = 8
) -> tuple[TokenVerifier, CountingKeys]:
    settings = AuthSettings(issuer=ISSUER, audience=AUDIENCE, leeway_seconds=0)
    http = httpx.AsyncClient(transport=httpx.MockTransport(provider.jwks))
    keys = CountingKeys(http, ISSUER, f"{ISSUER}/keys")
    return TokenVerifier(settings, keys, remembered=remembered, clock=lambda: clock[0]), keys


async def test_a_verified_token_is_remembered_until_its_expiry_then_checked_again() -> None:
    provider = Provider()
    provider.rotate("one")
    now = time.time()
    clock = [now]
    checks, keys = remembering_verifier(provider, clock)
    token = provider.token("one", exp=int(now) + 60)

    for _ in range(3):
        assert (await checks.verify(token)).subject == "alice"
    assert keys.lookups == 1

    clock[0] = now + 61
    assert (await checks.verify(token)).subject == "alice"
    assert keys.lookups == 2


async def test_only_the_newest_tokens_are_remembered_and_refused_ones_never() -> None:
    provider = Provider()
    provider.rotate("one")
    checks, keys = remembering_verifier(provider, [time.time()], remembered=2)
    tokens = [provider.token("one", sub=name) for name in ("ann", "ben", "cid")]
    for token in tokens:
        await checks.verify(token)

    await checks.verify(tokens[2])
    assert keys.lookups == 3
    await checks.verify(tokens[0])  # forgotten: the oldest of three
    assert keys.lookups == 4

    expired = provider.token("one", exp=int(time.time()) - 5)
    for _ in range(2):
        with pytest.raises(InvalidTokenError, match="expired"):
            await checks.verify(expired)
    assert keys.lookups == 6
