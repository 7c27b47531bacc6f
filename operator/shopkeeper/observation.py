"""What the platform's status is computed from: the applied manifests, the live children, and
the problems met while applying (plain data, shared by `status` and `verdicts`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shopkeeper.builders.inputs import Manifest
from shopkeeper.readiness import ChildState
from shopkeeper.rollout import Rollout

if TYPE_CHECKING:
    from shopkeeper.connect_rest import ConnectReport

ChildKey = tuple[str, str]
"""(kind, name)."""


@dataclass(frozen=True)
class Problem:
    """A reason with a message for a person."""

    reason: str
    message: str


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
