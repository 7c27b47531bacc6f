"""Debezium mode: one outbox connector per publishing context, created on a Connect worker."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

import httpx
from sqlalchemy.engine import make_url

from shop.common.debezium import outbox_connector_config
from shop.devstack.errors import DevstackError


class ConnectorError(DevstackError):
    """A connector could not be created or did not reach RUNNING."""


def connector_configs(database_url: str, contexts: Iterable[str]) -> dict[str, dict[str, str]]:
    """Connector name -> configuration, for the outboxes of `contexts` in one database."""
    url = make_url(database_url)
    if not (url.host and url.database and url.username):
        raise ValueError("the database URL needs a host, a database name and a user")
    configs: dict[str, dict[str, str]] = {}
    for context in contexts:
        config = outbox_connector_config(
            schema=context,
            database_host=url.host,
            database_port=url.port or 5432,
            database_name=url.database,
            database_user=url.username,
            database_password=url.password or "",
        )
        configs[config["name"]] = config
    return configs


async def ensure_connectors(
    connect_url: str, configs: dict[str, dict[str, str]], within: float = 120
) -> None:
    """Create (or reconfigure) the connectors and wait until each runs all its tasks."""
    async with httpx.AsyncClient(base_url=connect_url, timeout=30) as client:
        for name, config in configs.items():
            await _put(client, name, config, within)
        for name in configs:
            await _wait_running(client, name, within)


async def _put(client: httpx.AsyncClient, name: str, config: dict[str, str], within: float) -> None:
    deadline = time.monotonic() + within
    while True:
        response = await client.put(f"/connectors/{name}/config", json=config)
        if response.status_code in (200, 201):
            return
        # 409: the worker group is rebalancing; it answers again once that is over.
        if response.status_code != 409 or time.monotonic() > deadline:
            raise ConnectorError(f"creating {name}: HTTP {response.status_code} {response.text}")
        await asyncio.sleep(0.5)


async def _wait_running(client: httpx.AsyncClient, name: str, within: float) -> None:
    deadline = time.monotonic() + within
    last = "no status yet"
    while time.monotonic() < deadline:
        response = await client.get(f"/connectors/{name}/status")
        if response.status_code == 200:
            status = response.json()
            states = [status["connector"]["state"]] + [t["state"] for t in status["tasks"]]
            if "FAILED" in states:
                raise ConnectorError(f"{name} failed: {status}")
            if status["tasks"] and set(states) == {"RUNNING"}:
                return
            last = str(states)
        await asyncio.sleep(0.3)
    raise ConnectorError(f"{name} was not RUNNING within {within:.0f}s (last: {last})")
