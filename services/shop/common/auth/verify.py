"""Checking a bearer token: a JWT signed by a key of the issuer's JWKS, for our audience, unexpired.

Every check is PyJWT's: signature (only the configured algorithms, never `none`), `iss`, `aud`,
`exp` (required) and `nbf`/`iat` with a small leeway; `sub` is required.

A client sends the same token with every request until it expires, so the caller a token
names is remembered, by the whole token, until its `exp` (a bounded number of tokens, the
oldest forgotten first): a signature is checked once per token, not once per request.
Refused tokens are not remembered.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt

from shop.common.auth.jwks import JwksCache
from shop.common.auth.principal import Principal
from shop.common.auth.settings import AuthSettings


class InvalidTokenError(Exception):
    """The token is not one this API accepts; the message says why (safe to show the caller)."""


class TokenVerifier:
    """Turns an access token into a `Principal`, or raises InvalidTokenError."""

    def __init__(
        self,
        settings: AuthSettings,
        keys: JwksCache,
        *,
        remembered: int = 4096,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._keys = keys
        self._remembered = remembered
        self._clock = clock
        self._verified: dict[str, tuple[Principal, float]] = {}
        """Per token verified: its caller and its `exp` (oldest first)."""

    async def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            principal, expires_at = known
            if self._clock() < expires_at:
                return principal
            del self._verified[token]
        claims = await self.claims(token)
        principal = Principal.from_claims(
            claims, self._settings.admin_group, self._settings.service_group
        )
        self._remember(token, principal, float(claims["exp"]))
        return principal

    def _remember(self, token: str, principal: Principal, expires_at: float) -> None:
        while len(self._verified) >= self._remembered:
            del self._verified[next(iter(self._verified))]
        self._verified[token] = (principal, expires_at)

    async def claims(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            raise InvalidTokenError("the token is not a JWT") from None
        algorithm = header.get("alg")
        if algorithm not in self._settings.algorithms:
            raise InvalidTokenError(f"tokens signed with {algorithm!r} are not accepted")
        key = await self._keys.key(str(header.get("kid", "")))
        if key is None:
            raise InvalidTokenError("the token is signed by a key the issuer does not publish")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self._settings.audience,
                issuer=self._settings.issuer,
                leeway=self._settings.leeway_seconds,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidTokenError("the token has expired") from None
        except jwt.InvalidAudienceError:
            raise InvalidTokenError("the token is not meant for this API (audience)") from None
        except jwt.InvalidIssuerError:
            raise InvalidTokenError("the token comes from another issuer") from None
        except jwt.InvalidSignatureError:
            raise InvalidTokenError("the token's signature does not verify") from None
        except jwt.InvalidTokenError as err:
            raise InvalidTokenError(f"the token is invalid: {err}") from None
        return claims
