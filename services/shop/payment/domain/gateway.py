"""What a card processor answers a charge (the gateway itself is a port of the service layer)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChargeResult:
    """A gateway's answer: approved with a reference, or declined with a reason."""

    approved: bool
    reference: str | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.approved and not self.reference:
            raise ValueError("an approved charge needs a gateway reference")
        if not self.approved and not self.reason:
            raise ValueError("a declined charge needs a reason")
