"""Restart FAILED KafkaConnectors through Strimzi's restart annotations, at a bounded rate."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import kopf
from lightkube import AsyncClient

from shopkeeper import constants as c
from shopkeeper import kinds, kube
from shopkeeper.observation import ChildKey
from shopkeeper.readiness import ChildState


def restart_annotation(state: ChildState) -> dict[str, str] | None:
    """The annotation that makes Strimzi restart a failed connector, or its first failed task."""
    if not state.failed or state.restart_pending:
        return None
    if state.state == "FAILED":
        return {c.STRIMZI_RESTART_ANNOTATION: "true"}
    return {c.STRIMZI_RESTART_TASK_ANNOTATION: str(state.failed_tasks[0])}


class RestartBudget:
    """At most one restart of each connector per `min_interval` seconds."""

    def __init__(self, min_interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._min_interval = min_interval
        self._clock = clock
        self._last_restart: dict[str, float] = {}

    def wait(self, name: str) -> float:
        """Seconds until `name` may be restarted again (0 or less: now)."""
        return self._last_restart.get(name, -1e12) + self._min_interval - self._clock()

    def spend(self, name: str) -> None:
        """Record a restart of `name` now."""
        self._last_restart[name] = self._clock()


def earliest(due_in: float | None, wait: float) -> float:
    """The sooner of a pending due time and `wait`."""
    return wait if due_in is None else min(due_in, wait)


class ConnectorRestarter:
    """Asks Strimzi to restart FAILED connectors of one platform, at most once per interval."""

    def __init__(
        self,
        client: AsyncClient,
        namespace: str,
        min_interval: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._namespace = namespace
        self._budget = RestartBudget(min_interval, clock)

    async def restart_failed(
        self, names: list[str], live: Mapping[ChildKey, ChildState], platform: kopf.Body
    ) -> tuple[list[str], float | None]:
        """Restart what failed; (restarted names, seconds until a held-back restart is due)."""
        restarted: list[str] = []
        due_in: float | None = None
        for name in names:
            state = live.get((kinds.KAFKA_CONNECTOR.kind, name))
            annotation = restart_annotation(state) if state is not None else None
            if annotation is None:
                continue
            wait = self._budget.wait(name)
            if wait > 0:
                due_in = earliest(due_in, wait)
                continue
            await kube.merge_patch(
                self._client,
                kinds.KAFKA_CONNECTOR,
                name,
                self._namespace,
                {"metadata": {"annotations": annotation}},
            )
            self._budget.spend(name)
            restarted.append(name)
            what = "connector" if c.STRIMZI_RESTART_ANNOTATION in annotation else "task"
            kopf.event(
                platform,
                type="Warning",
                reason="ConnectorRestarted",
                message=f"KafkaConnector {name} was FAILED ({state.message if state else ''}); "
                f"asked Strimzi to restart the {what}",
            )
        return restarted, due_in
