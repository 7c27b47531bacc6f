"""Checking a bearer token: a JWT signed by a key of the issuer's JWKS, for our audience, unexpired.

Every check is PyJWT's: signature (only the configured algorithms, never `none`), `iss`, `aud`,
`exp` (required) and `nbf`/`iat` with a small leeway; `sub` is required.
"""

from __future__ import annotations

from typing import Any

import jwt

from shop.common.auth.jwks import JwksCache
from shop.common.auth.principal import Principal
from shop.common.auth.settings import AuthSettings


class InvalidTokenError(Exception):
    """The token is not one this API accepts; the message says why (safe to show the caller)."""


class TokenVerifier:
    """Turns an access token into a `Principal`, or raises InvalidTokenError."""

    def __init__(self, settings: AuthSettings, keys: JwksCache) -> None:
        self._settings = settings
        self._keys = keys

    async def verify(self, token: str) -> Principal:
        claims = await self.claims(token)
        return Principal.from_claims(
            claims, self._settings.admin_group, self._settings.service_group
        )

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
