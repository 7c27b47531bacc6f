"""Session fixtures: Dex, the real OIDC provider, and tokens fetched from it the real way.

`dex` is one Dex per session with the shop's clients and demo users (`localinfra.dex_realm`);
`identity` logs users in (password grant) and clients in (client credentials) at its token
endpoint, and sets `SHOP_AUTH_*` so every API built in the session checks its tokens.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field

import httpx
import jwt
import pytest

from infra.fixtures_kube import session_dir
from infra.fixtures_traefik import start_or_end_session
from localinfra.dex import Dex
from localinfra.dex_realm import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    API_AUDIENCE,
    API_SCOPES,
    CUSTOMER_PASSWORD,
    DEMO_CLIENT,
    NOTIFICATION_CLIENT,
    numbered_customer,
)
from shop.common.auth.settings import AuthSettings
from shop.common.auth.token_client import OAuthClient


@dataclass(frozen=True)
class LoggedIn:
    """A caller with a token: `subject` is the customer id the APIs see."""

    subject: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def auth(self) -> httpx.Auth:
        return _Bearer(self.token)


class _Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


@dataclass
class IdentityProvider:
    """Tokens of the session's Dex; each login is fetched once and kept for the session."""

    dex: Dex
    _cache: dict[str, LoggedIn] = field(default_factory=dict)

    @property
    def settings(self) -> AuthSettings:
        return AuthSettings(issuer=self.dex.issuer, audience=API_AUDIENCE)

    def client(self, client_id: str = DEMO_CLIENT) -> OAuthClient:
        return OAuthClient(self.dex.token_url, client_id, self.dex.secrets[client_id], API_SCOPES)

    async def customer(self, number: int = 1) -> LoggedIn:
        """`customer-NN@shopkeeper.dev`, logged in by the password grant."""
        return await self._login(numbered_customer(number).email, CUSTOMER_PASSWORD)

    async def admin(self) -> LoggedIn:
        return await self._login(ADMIN_EMAIL, ADMIN_PASSWORD)

    async def service(self, client_id: str = NOTIFICATION_CLIENT) -> LoggedIn:
        """A client's own token (client credentials)."""
        key = f"client:{client_id}"
        if key not in self._cache:
            async with httpx.AsyncClient(timeout=30) as http:
                token = await self.client(client_id).client_credentials(http)
            self._cache[key] = _logged_in(token.access_token)
        return self._cache[key]

    async def _login(self, email: str, password: str) -> LoggedIn:
        if email not in self._cache:
            async with httpx.AsyncClient(timeout=30) as http:
                token = await self.client().password(http, email, password)
            self._cache[email] = _logged_in(token.access_token)
        return self._cache[email]


def _logged_in(token: str) -> LoggedIn:
    subject = str(jwt.decode(token, options={"verify_signature": False})["sub"])
    return LoggedIn(subject, token)


@pytest.fixture(scope="session")
def dex(request: pytest.FixtureRequest) -> Iterator[Dex]:
    """One Dex for the session, on its own loopback port and issuer."""
    provider = Dex(session_dir(request, "dex"))
    start_or_end_session(provider.start, provider.stop, "Dex")
    try:
        yield provider
    finally:
        provider.stop()


@pytest.fixture(scope="session")
def identity(dex: Dex) -> Iterator[IdentityProvider]:
    """Tokens from the session's Dex; the APIs built meanwhile check them (`SHOP_AUTH_*`)."""
    with pytest.MonkeyPatch.context() as env:
        for name, value in dex.env().items():
            env.setenv(name, value)
        yield IdentityProvider(dex)
