"""Conditions with stable lastTransitionTime (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from shopkeeper.api.status import Condition


@dataclass(frozen=True)
class Verdict:
    """A condition's content before timestamps."""

    type: str
    status: bool
    reason: str
    message: str


def merge_conditions(
    previous: list[Condition], verdicts: list[Verdict], *, generation: int, now: str
) -> list[Condition]:
    """New conditions; a condition whose status did not change keeps its transition time."""
    before = {c.type: c for c in previous}
    merged = []
    for verdict in verdicts:
        status = "True" if verdict.status else "False"
        old = before.get(verdict.type)
        since = old.last_transition_time if old is not None and old.status == status else now
        merged.append(
            Condition(
                type=verdict.type,
                status=status,
                observed_generation=generation,
                last_transition_time=since,
                reason=verdict.reason,
                message=verdict.message[:4096],
            )
        )
    return merged
