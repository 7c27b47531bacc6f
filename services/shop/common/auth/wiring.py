"""Wires the token checks into an API process: one JWKS client, one verifier, in its state."""

from __future__ import annotations

import httpx

from shop.common.auth.jwks import JwksCache
from shop.common.auth.settings import AuthSettings
from shop.common.auth.verify import TokenVerifier
from shop.common.process import LifespanHook, ProcessContext

VERIFIER = "token_verifier"


def token_checks(settings: AuthSettings) -> LifespanHook:
    """A lifespan hook that opens the JWKS client and puts the verifier in the process state."""

    async def wire(process: ProcessContext) -> None:
        client = await process.exit_stack.enter_async_context(
            httpx.AsyncClient(timeout=settings.jwks_timeout_seconds)
        )
        keys = JwksCache(
            client,
            settings.issuer,
            settings.jwks_url,
            refresh_seconds=settings.jwks_refresh_seconds,
        )
        process.state[VERIFIER] = TokenVerifier(settings, keys)

    return wire
