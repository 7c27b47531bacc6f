"""What the operator process holds while it runs: settings, API client, metrics, wake-ups."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from lightkube import AsyncClient

from shopkeeper.informer import ChildInformer
from shopkeeper.metrics import MetricsServer, OperatorMetrics
from shopkeeper.settings import OperatorSettings

PlatformKey = tuple[str, str]
"""(namespace, name)."""


class Triggers:
    """One wake-up flag per platform loop; child and platform events set it."""

    def __init__(self) -> None:
        self._events: dict[PlatformKey, asyncio.Event] = {}

    def register(self, namespace: str, name: str) -> asyncio.Event:
        """The flag of a starting platform loop."""
        return self._events.setdefault((namespace, name), asyncio.Event())

    def unregister(self, namespace: str, name: str) -> None:
        """Forget a stopped loop."""
        self._events.pop((namespace, name), None)

    def fire(self, namespace: str, name: str) -> None:
        """Wake the loop of a platform (no-op if it has none yet: it reconciles on start)."""
        event = self._events.get((namespace, name))
        if event is not None:
            event.set()


@dataclass
class Runtime:
    """Operator-wide state, created at startup and kept in kopf's memo."""

    settings: OperatorSettings
    client: AsyncClient
    metrics: OperatorMetrics
    triggers: Triggers
    children: ChildInformer
    """Every child's state by platform; wakes a platform's loop through `triggers`."""
    metrics_server: MetricsServer | None = None
    reconcile_slots: asyncio.Semaphore = field(init=False)
    """Bounds concurrent reconciles: a burst (operator start, many platforms) queues instead of
    flooding the API server, so each platform converges sooner."""

    def __post_init__(self) -> None:
        self.reconcile_slots = asyncio.Semaphore(self.settings.max_concurrent_reconciles)

    async def close(self) -> None:
        """Stop the watches, release the client and stop serving metrics."""
        await self.children.stop()
        if self.metrics_server is not None:
            self.metrics_server.stop()
        await self.client.close()
