"""An app's lifespan and an HTTP client on it, in-process (real database, no network)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from infra.fixtures_identity import LoggedIn


@asynccontextmanager
async def api_client(
    app: FastAPI, caller: LoggedIn | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of `app`, sending `caller`'s token (a Dex token: see `infra.fixtures_identity`)."""
    headers = caller.headers if caller else {}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://shop.test", headers=headers
        ) as client,
    ):
        yield client
