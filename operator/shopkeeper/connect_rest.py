"""Outbox mode `connect-rest`: keep the platform's connectors registered, as specified, running.

Kafka Connect has no watch, so the platform's loop polls it (every `connect_poll_seconds`): each
pass lists the connectors with their config and status, registers a missing one, puts back a
config changed out of band, resumes a paused one and restarts FAILED instances (at most once per
`connector_restart_interval_seconds`). Secrets named by the spec are read on each pass, so a
rotated password reaches Connect as a config change.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import kopf
from lightkube import AsyncClient
from pydantic import ValidationError

from shopkeeper import kube, naming
from shopkeeper.api import PlatformSpec
from shopkeeper.api.messaging import ConnectRestSpec
from shopkeeper.builders.connect_rest import rest_connector_configs, rest_settings
from shopkeeper.builders.database import database_connection
from shopkeeper.builders.inputs import BuildInput, Owner
from shopkeeper.connect_api import ConnectApi, ConnectApiError, ConnectorInfo
from shopkeeper.connectors import RestartBudget, earliest
from shopkeeper.observation import FAILED, ConnectorReport, ConnectReport, Problem
from shopkeeper.settings import OperatorSettings

UNASSIGNED = "UNASSIGNED"
STOPPED_STATES = ("PAUSED", "STOPPED")
MAX_ERROR = 2048


def trace_summary(trace: str | None) -> str | None:
    """First line of a Java stack trace, and its root cause (the last `Caused by:`)."""
    if not trace:
        return None
    lines = [line.strip() for line in trace.splitlines() if line.strip()]
    causes = [line.removeprefix("Caused by: ") for line in lines if line.startswith("Caused by:")]
    summary = lines[0] if not causes else f"{lines[0]} (caused by {causes[-1]})"
    return summary[:MAX_ERROR]


def failure_of(info: ConnectorInfo) -> str | None:
    """The summary of the connector's failure, or of its first failed task."""
    if info.state == FAILED:
        return trace_summary(info.trace) or "connector FAILED"
    for task in info.tasks:
        if task.state == FAILED:
            return f"task {task.id}: {trace_summary(task.trace) or 'FAILED'}"
    return None


class ConnectRestKeeper:
    """Keeps one platform's connectors on its Connect cluster; lives as long as its loop."""

    def __init__(
        self,
        client: AsyncClient,
        namespace: str,
        *,
        timeout: float,
        restart_interval: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._namespace = namespace
        self._timeout = timeout
        self._budget = RestartBudget(restart_interval, clock)
        self._api: ConnectApi | None = None
        self._api_key: tuple[str, tuple[str, str] | None] | None = None
        self._known: dict[str, str] = {}
        """Connector -> digest of the config last seen registered (to tell drift from change)."""

    async def sync(self, inp: BuildInput, platform: kopf.Body) -> ConnectReport | None:
        """One pass over the desired connectors; None outside the `connect-rest` mode."""
        rest = rest_settings(inp)
        if rest is None:
            return None
        report = ConnectReport()
        try:
            api = await self._connect(rest)
            desired = rest_connector_configs(inp, await self._credentials(inp, rest))
        except kube.SecretUnreadableError as err:
            report.problems.append(Problem("SecretUnreadable", str(err)))
            return report
        try:
            live = await api.connectors()
        except ConnectApiError as err:
            report.problems.append(Problem("ConnectUnreachable", f"Kafka Connect: {err}"))
            return report
        for name, config in desired.items():
            try:
                report.connectors.append(
                    await self._keep(api, name, config, live.get(name), report, platform)
                )
            except ConnectApiError as err:
                if not err.rebalancing:  # a rebalance ends by itself: the next poll retries
                    reason = "ConnectorRejected" if err.rejected else "ConnectUnreachable"
                    report.problems.append(Problem(reason, f"connector {name}: {err}"))
                report.connectors.append(ConnectorReport(name, _state(live.get(name))))
        return report

    async def delete_connectors(self, inp: BuildInput) -> list[str]:
        """Delete the platform's connectors from Connect; the names that were there."""
        rest = rest_settings(inp)
        if rest is None:
            return []
        api = await self._connect(rest)
        names = rest_connector_configs(inp, ("-", "-"))
        return [name for name in names if await api.delete(name)]

    async def close(self) -> None:
        """Release the HTTP client."""
        if self._api is not None:
            await self._api.close()
            self._api = None

    async def _keep(
        self,
        api: ConnectApi,
        name: str,
        config: dict[str, str],
        info: ConnectorInfo | None,
        report: ConnectReport,
        platform: kopf.Body,
    ) -> ConnectorReport:
        digest = naming.content_hash(config, length=16)
        if info is None or info.config != config:
            await api.put_config(name, config)
            report.writes += 1
            if self._known.get(name) == digest:  # it was registered like this: someone changed it
                report.drift_repairs += 1
            self._known[name] = digest
            return ConnectorReport(name, UNASSIGNED)
        self._known[name] = digest
        if info.state in STOPPED_STATES:
            await api.resume(name)
            report.writes += 1
            report.drift_repairs += 1
            return ConnectorReport(name, info.state, info.tasks)
        error = failure_of(info)
        if error is None:
            return ConnectorReport(name, info.state, info.tasks)
        wait = self._budget.wait(name)
        if wait > 0:
            report.restart_due = earliest(report.restart_due, wait)
            return ConnectorReport(name, info.state, info.tasks, error)
        await api.restart_failed(name)
        self._budget.spend(name)
        report.restarted.append(name)
        kopf.event(
            platform,
            type="Warning",
            reason="ConnectorRestarted",
            message=f"connector {name} FAILED ({error}); restarted it through the Connect REST API",
        )
        return ConnectorReport(name, info.state, info.tasks, error, restarted=True)

    async def _connect(self, rest: ConnectRestSpec) -> ConnectApi:
        auth = None
        if rest.basic_auth_secret:
            user, password = await kube.read_secret_keys(
                self._client, rest.basic_auth_secret, self._namespace, ("username", "password")
            )
            auth = (user, password)
        key = (rest.url, auth)
        if self._api is None or self._api_key != key:
            await self.close()
            self._api = ConnectApi(rest.url, timeout=self._timeout, auth=auth)
            self._api_key = key
        return self._api

    async def _credentials(self, inp: BuildInput, rest: ConnectRestSpec) -> tuple[str, str]:
        if rest.database_user and rest.database_password:
            return rest.database_user, rest.database_password
        secret = database_connection(inp).secret
        user, password = await kube.read_secret_keys(
            self._client, secret, self._namespace, ("username", "password")
        )
        return user, password


def _state(info: ConnectorInfo | None) -> str:
    return info.state if info is not None else "MISSING"


def connectors_go_with_the_platform(spec: Mapping[str, Any]) -> bool:
    """A deleted platform's connectors are deleted from Connect under `deletionPolicy: Delete`
    (under Retain they keep its replication slots consumed, and a platform created again under
    the same name adopts them)."""
    outbox = spec.get("outbox") or {}
    return bool(outbox.get("mode") == "connect-rest" and spec.get("deletionPolicy") == "Delete")


async def delete_platform_connectors(
    client: AsyncClient, settings: OperatorSettings, body: kopf.Body
) -> list[str]:
    """Remove a deleted platform's connectors from Connect (deletionPolicy Delete).

    Raises `kopf.TemporaryError` while Connect cannot be reached, so kopf retries (and keeps
    the finalizer) until the handler's timeout.
    """
    meta = body.metadata
    owner = Owner(str(meta.name), str(meta.namespace), str(meta.uid))
    try:
        spec = PlatformSpec.model_validate(dict(body.spec))
    except ValidationError:
        return []  # a spec the operator cannot parse names no Connect cluster to clean up
    inp = BuildInput(owner, spec, spec.image.reference)
    keeper = ConnectRestKeeper(
        client, owner.namespace, timeout=settings.request_timeout_seconds, restart_interval=0
    )
    try:
        return await keeper.delete_connectors(inp)
    except (ConnectApiError, kube.SecretUnreadableError) as err:
        raise kopf.TemporaryError(
            f"cannot delete the connectors yet: {err}", delay=settings.error_retry_seconds
        ) from err
    finally:
        await keeper.close()
