"""The migration gate: which image the Deployments run while a migrations Job works (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shopkeeper.readiness import ChildState

JobState = Literal["absent", "running", "complete", "failed"]


@dataclass(frozen=True)
class Rollout:
    """The gate's decision for one reconcile."""

    target_image: str
    """The spec's image."""
    migrated_image: str | None
    """The newest image whose migrations completed (None before the first)."""
    job_name: str
    job_state: JobState
    job_message: str = ""

    @property
    def running_image(self) -> str:
        """Image for the Deployments: never one whose migrations have not completed."""
        return self.migrated_image or self.target_image

    @property
    def held(self) -> bool:
        """No image was ever migrated: the Deployments wait at zero replicas."""
        return self.migrated_image is None

    @property
    def migrations_complete(self) -> bool:
        """The target image is migrated."""
        return self.migrated_image == self.target_image


def decide_rollout(
    *, target_image: str, previously_migrated: str | None, job_name: str, job: ChildState | None
) -> Rollout:
    """Advance to the target image once the Job for it has completed."""
    if job is None:
        state: JobState = "absent"
    elif job.state == "Complete":
        state = "complete"
    elif job.state == "Failed":
        state = "failed"
    else:
        state = "running"
    migrated = target_image if state == "complete" else previously_migrated
    message = job.message if job is not None else ""
    return Rollout(target_image, migrated, job_name, state, message)
