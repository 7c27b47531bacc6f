"""Poll until every platform has its children and a current status; per-platform times."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import httpx2
from lightkube import Client

from shopkeeper import constants as c
from shopkeeper.kinds import CHILD_KINDS
from shopkeeper.kube import platform_class, resource_class

ChildKey = tuple[str, str]
POLL_SECONDS = 0.25
RECHECK_SECONDS = 5.0


def status_current(platform: Any) -> bool:
    """The operator wrote status for the platform's current generation."""
    status = platform.get("status") or {}
    return bool(status.get("observedGeneration") == platform.metadata.generation)


def live_children(kube: Client, namespace: str) -> dict[str, set[ChildKey]]:
    """Every child in `namespace` by platform (one list per kind)."""
    found: dict[str, set[ChildKey]] = defaultdict(set)
    labels: Any = {c.MANAGED_BY_LABEL: c.MANAGED_BY_VALUE}
    for kind in CHILD_KINDS:
        try:
            objects: Any = kube.list(resource_class(kind), namespace=namespace, labels=labels)
            for obj in objects:
                platform = str((obj.metadata.labels or {}).get(c.PLATFORM_LABEL, ""))
                found[platform].add((kind.kind, obj.metadata.name))
        except httpx2.HTTPStatusError as err:  # a kind this cluster does not serve
            if err.response.status_code != 404:
                raise
    return found


def wait_converged(
    kube: Client,
    namespace: str,
    expected: dict[str, set[ChildKey]],
    *,
    started: float,
    timeout: float,
    on_poll: Callable[[], None],
) -> dict[str, float]:
    """Seconds from `started` until each platform converged (status current, children exist)."""
    status_at: dict[str, float] = {}
    converged: dict[str, float] = {}
    last_check = 0.0
    while len(converged) < len(expected):
        now = time.monotonic()
        if now - started > timeout:
            raise TimeoutError(
                f"{len(converged)}/{len(expected)} platforms converged within {timeout:.0f}s"
            )
        try:
            platforms: Any = list(kube.list(platform_class(), namespace=namespace))
        except httpx2.TransportError:  # an overloaded API server; poll again
            time.sleep(POLL_SECONDS)
            continue
        for platform in platforms:
            name = platform.metadata.name
            if name not in status_at and status_current(platform):
                status_at[name] = now - started
        pending = [name for name in status_at if name not in converged]
        due = len(status_at) == len(expected) or now - last_check > RECHECK_SECONDS
        if pending and due:
            live = live_children(kube, namespace)
            for name in pending:
                if expected[name] <= live.get(name, set()):
                    # Children present at the first look were there when the status was written.
                    converged[name] = max(status_at[name], last_check - started)
            last_check = time.monotonic()
        on_poll()
        time.sleep(POLL_SECONDS)
    return converged
