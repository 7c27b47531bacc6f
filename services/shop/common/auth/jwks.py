"""The provider's signing keys (JWKS), cached; an unknown key id makes it fetch them again.

Providers rotate keys: a token signed by a key published after the last fetch names a `kid`
the cache lacks, so the cache refetches (at most once per `refresh_seconds`, so a flood of
tokens with made-up key ids cannot turn into a flood of fetches) and looks again.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import jwt


class JwksUnavailableError(Exception):
    """The keys could not be fetched (the provider is down or answers nonsense)."""


class JwksCache:
    """Keys by `kid` from `jwks_url` (or the issuer's discovery document when empty)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        issuer: str,
        jwks_url: str = "",
        *,
        refresh_seconds: float = 10,
    ) -> None:
        self._client = client
        self._issuer = issuer
        self._jwks_url = jwks_url
        self._refresh_seconds = refresh_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> jwt.PyJWK | None:
        """The key named `kid`, refetching the set once if it is unknown; None if still absent."""
        if kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            if kid not in self._keys and self._may_refresh():
                await self._refresh()
        return self._keys.get(kid)

    def _may_refresh(self) -> bool:
        return (
            self._fetched_at is None or time.monotonic() - self._fetched_at >= self._refresh_seconds
        )

    async def _refresh(self) -> None:
        self._fetched_at = time.monotonic()
        url = self._jwks_url or await self._discover()
        document = await self._get_json(url)
        keys: dict[str, jwt.PyJWK] = {}
        for entry in document.get("keys", []):
            if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
                continue
            try:
                key = jwt.PyJWK(entry)
            except (jwt.PyJWKError, jwt.InvalidKeyError):
                continue  # a key type this library does not verify with
            keys[str(entry.get("kid", ""))] = key
        self._keys = keys

    async def _discover(self) -> str:
        document = await self._get_json(f"{self._issuer}/.well-known/openid-configuration")
        url = document.get("jwks_uri")
        if not isinstance(url, str):
            raise JwksUnavailableError("the discovery document names no jwks_uri")
        self._jwks_url = url
        return url

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = await self._client.get(url)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as err:
            raise JwksUnavailableError(f"fetching {url}: {err!r}") from err
        if not isinstance(document, dict):
            raise JwksUnavailableError(f"{url} is not a JSON object")
        return document
