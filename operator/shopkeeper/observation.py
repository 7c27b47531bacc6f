"""What the platform's status is computed from: the applied manifests, the live children, the
problems met while applying and, in outbox mode connect-rest, what the pass over Kafka Connect
found (plain data, shared by `status`, `verdicts` and `connect_rest`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from shopkeeper.builders.inputs import Manifest
from shopkeeper.connect_api import TaskState
from shopkeeper.readiness import ChildState
from shopkeeper.rollout import Rollout

ChildKey = tuple[str, str]
"""(kind, name)."""


@dataclass(frozen=True)
class Problem:
    """A reason with a message for a person."""

    reason: str
    message: str


RUNNING, FAILED = "RUNNING", "FAILED"
"""Kafka Connect's states of a connector or task that readiness reads."""


@dataclass(frozen=True)
class ConnectorReport:
    """A desired connector after this pass."""

    name: str
    state: str
    tasks: tuple[TaskState, ...] = ()
    error: str | None = None
    """Summary of the current failure, if any."""
    restarted: bool = False

    @property
    def ready(self) -> bool:
        """Connector and every task RUNNING."""
        return (
            self.state == RUNNING
            and bool(self.tasks)
            and all(t.state == RUNNING for t in self.tasks)
        )

    @property
    def failed(self) -> bool:
        """The connector or one of its tasks FAILED."""
        return self.state == FAILED or any(t.state == FAILED for t in self.tasks)


@dataclass
class ConnectReport:
    """What one pass found and did."""

    connectors: list[ConnectorReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    writes: int = 0
    """Connectors created, reconfigured or resumed."""
    drift_repairs: int = 0
    """Of those, the ones someone else had deleted, changed or paused."""
    restarted: list[str] = field(default_factory=list)
    restart_due: float | None = None
    """Seconds until a held-back restart may happen."""


@dataclass(frozen=True)
class Observation:
    """Everything the status is computed from."""

    platform: str
    generation: int
    rollout: Rollout
    desired: list[Manifest]
    live: Mapping[ChildKey, ChildState]
    problems: list[Problem]
    connect: ConnectReport | None = None
    """Outbox mode connect-rest: the connectors as Kafka Connect reported them this pass."""
