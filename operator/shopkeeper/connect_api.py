"""A Kafka Connect cluster's REST API: the calls the operator needs, with errors for people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

CONFLICT = 409
"""Connect answers 409 while its workers rebalance: the call may be retried."""
NOT_FOUND = 404
MAX_ERROR_TEXT = 512


class ConnectApiError(Exception):
    """The Connect REST API could not be reached or refused a call."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def rebalancing(self) -> bool:
        """Connect's workers are rebalancing; the same call will work shortly."""
        return self.status == CONFLICT

    @property
    def rejected(self) -> bool:
        """Connect understood the call and refused it (e.g. a config it does not validate)."""
        return (
            self.status is not None
            and 400 <= self.status < 500
            and self.status
            not in (
                401,
                403,
                CONFLICT,
            )
        )


@dataclass(frozen=True)
class TaskState:
    """One task of a connector as Connect reports it."""

    id: int
    state: str
    trace: str | None = None


@dataclass(frozen=True)
class ConnectorInfo:
    """A connector's config and status from `GET /connectors?expand=info&expand=status`."""

    name: str
    config: dict[str, str]
    state: str
    trace: str | None
    tasks: tuple[TaskState, ...]


def parse_connectors(body: dict[str, Any]) -> dict[str, ConnectorInfo]:
    """The expanded connector listing, by name."""
    found: dict[str, ConnectorInfo] = {}
    for name, entry in body.items():
        info = entry.get("info") or {}
        status = entry.get("status") or {}
        connector = status.get("connector") or {}
        tasks = tuple(
            TaskState(
                int(task.get("id", 0)), str(task.get("state", "UNASSIGNED")), task.get("trace")
            )
            for task in status.get("tasks") or []
        )
        found[name] = ConnectorInfo(
            name=name,
            config={str(k): str(v) for k, v in (info.get("config") or {}).items()},
            state=str(connector.get("state", "UNASSIGNED")),
            trace=connector.get("trace"),
            tasks=tuple(sorted(tasks, key=lambda t: t.id)),
        )
    return found


class ConnectApi:
    """Calls to one Connect cluster; every failure is a `ConnectApiError`."""

    def __init__(self, url: str, *, timeout: float, auth: tuple[str, str] | None = None) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.AsyncClient(base_url=self.url, timeout=timeout, auth=auth)

    async def connectors(self) -> dict[str, ConnectorInfo]:
        """Every connector with its config and status."""
        body = await self._call(
            "GET", "/connectors", params=[("expand", "info"), ("expand", "status")]
        )
        if not isinstance(body, dict):
            raise ConnectApiError(
                f"{self.url}/connectors answered {type(body).__name__}, not an object"
            )
        return parse_connectors(body)

    async def put_config(self, name: str, config: dict[str, str]) -> None:
        """Create the connector or replace its config (Connect validates it first)."""
        await self._call("PUT", f"/connectors/{quote(name)}/config", json=config)

    async def restart_failed(self, name: str) -> None:
        """Restart the connector and its tasks, but only the instances that FAILED."""
        await self._call(
            "POST",
            f"/connectors/{quote(name)}/restart",
            params=[("includeTasks", "true"), ("onlyFailed", "true")],
        )

    async def resume(self, name: str) -> None:
        """Resume a paused or stopped connector."""
        await self._call("PUT", f"/connectors/{quote(name)}/resume")

    async def delete(self, name: str) -> bool:
        """Delete a connector; False if it was not there."""
        try:
            await self._call("DELETE", f"/connectors/{quote(name)}")
        except ConnectApiError as err:
            if err.status == NOT_FOUND:
                return False
            raise
        return True

    async def close(self) -> None:
        """Release the connection pool."""
        await self._http.aclose()

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as err:
            raise ConnectApiError(
                f"{method} {self.url}{path}: {type(err).__name__}: {err}"
            ) from err
        if response.status_code >= 300:
            raise ConnectApiError(
                f"{method} {self.url}{path} answered {response.status_code}: "
                + _error_text(response),
                status=response.status_code,
            )
        return response.json() if response.content else None


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:MAX_ERROR_TEXT]
    if isinstance(body, dict) and "message" in body:
        return str(body["message"])[:MAX_ERROR_TEXT]
    return str(body)[:MAX_ERROR_TEXT]
