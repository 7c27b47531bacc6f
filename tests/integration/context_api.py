"""A context's app in-process (real database, no network): its settings, its lifespan and an
HTTP client on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.fixtures_identity import LoggedIn
from shop.common.process_settings import ContextProcessSettings

S = TypeVar("S", bound=ContextProcessSettings)
UNUSED_KAFKA = "127.0.0.1:9"  # an API in-process never reaches Kafka


def settings_on(settings_class: type[S], engine: AsyncEngine, **values: Any) -> S:
    """A context's settings on `engine`'s database (the API's own role, migrated), `values`
    on top."""
    url = engine.url.render_as_string(hide_password=False)
    return settings_class(database_url=url, kafka_bootstrap_servers=UNUSED_KAFKA, **values)


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
