"""Wait until every platform has its children and a current status; per-platform times."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import httpx2
from lightkube import Client
from lightkube.types import OnErrorAction, OnErrorResult

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


class StatusWatch:
    """When each platform's status first became current, from a watch of the platforms.

    A watch costs the API server one event per status write; a list of every platform four
    times a second (this benchmark's first way) cost it, and this process, a share of the
    cores that the operator and the control plane it measures compete for."""

    def __init__(self, kube: Client, namespace: str, started: float) -> None:
        self._status_at: dict[str, float] = {}
        self._kube, self._namespace, self._started = kube, namespace, started
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._follow, name="status-watch", daemon=True)

    def __enter__(self) -> StatusWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stopped.set()  # the watch ends at its next event or when the control plane stops

    def seen(self) -> dict[str, float]:
        """A copy of the times recorded so far, by platform."""
        with self._lock:
            return dict(self._status_at)

    def _on_error(self, err: Exception, count: int) -> OnErrorResult:
        if self._stopped.is_set():
            return OnErrorResult(OnErrorAction.STOP)
        return OnErrorResult(OnErrorAction.RETRY, sleep=min(count, 5) * 0.2)

    def _follow(self) -> None:
        events: Any = self._kube.watch(
            platform_class(), namespace=self._namespace, on_error=self._on_error
        )
        for _, platform in events:
            if self._stopped.is_set():
                return
            name = platform.metadata.name
            if status_current(platform):
                with self._lock:
                    self._status_at.setdefault(name, time.monotonic() - self._started)


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
    converged: dict[str, float] = {}
    last_check = 0.0
    with StatusWatch(kube, namespace, started) as watch:
        while len(converged) < len(expected):
            now = time.monotonic()
            if now - started > timeout:
                raise TimeoutError(
                    f"{len(converged)}/{len(expected)} platforms converged within {timeout:.0f}s"
                )
            status_at = watch.seen()
            pending = [name for name in status_at if name not in converged]
            due = len(status_at) == len(expected) or now - last_check > RECHECK_SECONDS
            if pending and due:
                live = live_children(kube, namespace)
                for name in pending:
                    if expected[name] <= live.get(name, set()):
                        # Children present at the first look were there when the status was
                        # written.
                        converged[name] = max(status_at[name], last_check - started)
                last_check = time.monotonic()
            on_poll()
            time.sleep(POLL_SECONDS)
    return converged
