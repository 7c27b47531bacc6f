"""Getting tokens from the provider's token endpoint: client credentials and password grants.

`BearerAuth` is an `httpx.Auth` that puts a token on every request, fetches a new one shortly
before it expires, and once more when a request comes back 401 (the provider rotated its keys
or restarted). Services use it with client credentials; the demo and tests log customers in.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass

import httpx

REFRESH_MARGIN_SECONDS = 30.0


class TokenRequestError(Exception):
    """The token endpoint refused or failed; the message carries its OAuth error."""


@dataclass(frozen=True)
class Token:
    access_token: str
    expires_at: float  # time.monotonic() clock

    def fresh(self, margin: float = REFRESH_MARGIN_SECONDS) -> bool:
        return time.monotonic() < self.expires_at - margin


@dataclass(frozen=True)
class OAuthClient:
    """A confidential client of one token endpoint, asking for `scopes`."""

    token_url: str
    client_id: str
    client_secret: str
    scopes: Sequence[str]

    async def client_credentials(self, http: httpx.AsyncClient) -> Token:
        return await self._grant(http, {"grant_type": "client_credentials"})

    async def password(self, http: httpx.AsyncClient, username: str, password: str) -> Token:
        """A user's token by the resource-owner password grant (local demo users only)."""
        form = {"grant_type": "password", "username": username, "password": password}
        return await self._grant(http, form)

    async def _grant(self, http: httpx.AsyncClient, form: dict[str, str]) -> Token:
        started = time.monotonic()
        try:
            response = await http.post(
                self.token_url,
                data={**form, "scope": " ".join(self.scopes)},
                auth=httpx.BasicAuth(self.client_id, self.client_secret),
            )
        except httpx.HTTPError as err:
            raise TokenRequestError(f"{self.token_url}: {err!r}") from err
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or "access_token" not in body:
            reason = body.get("error_description") or body.get("error") or response.text[:200]
            raise TokenRequestError(f"{self.token_url} refused {form['grant_type']}: {reason}")
        return Token(str(body["access_token"]), started + float(body.get("expires_in", 60)))


TokenFetcher = Callable[[], Awaitable[Token]]


class BearerAuth(httpx.Auth):
    """Bearer tokens from `fetch`, kept until shortly before they expire."""

    def __init__(self, fetch: TokenFetcher) -> None:
        self._fetch = fetch
        self._token: Token | None = None
        self._lock = asyncio.Lock()

    async def token(self, *, renew: bool = False) -> str:
        async with self._lock:
            if renew or self._token is None or not self._token.fresh():
                self._token = await self._fetch()
            return self._token.access_token

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"Bearer {await self.token()}"
        response = yield request
        if response.status_code == 401:
            request.headers["Authorization"] = f"Bearer {await self.token(renew=True)}"
            yield request


def client_credentials_auth(client: OAuthClient, http: httpx.AsyncClient) -> BearerAuth:
    """Tokens of the client itself, fetched through `http` (not the client they authorize)."""
    return BearerAuth(lambda: client.client_credentials(http))
