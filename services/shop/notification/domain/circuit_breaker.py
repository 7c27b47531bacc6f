"""A circuit breaker as an immutable state machine.

CLOSED counts consecutive failures and opens at the threshold. OPEN refuses calls until the
reset timeout has passed, then lets one trial call through (HALF_OPEN): its success closes the
breaker, its failure opens it again for another timeout.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta


class BreakerState(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


@dataclass(frozen=True)
class CircuitBreaker:
    failure_threshold: int
    reset_timeout: timedelta
    state: BreakerState = BreakerState.CLOSED
    failures: int = 0
    opened_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if self.reset_timeout <= timedelta(0):
            raise ValueError("reset_timeout must be positive")

    def before_call(self, now: datetime) -> tuple[bool, CircuitBreaker]:
        """May a call go through now? Returns the answer and the breaker to keep."""
        if self.state is BreakerState.CLOSED:
            return True, self
        if self.state is BreakerState.OPEN:
            assert self.opened_at is not None
            if now - self.opened_at >= self.reset_timeout:
                return True, replace(self, state=BreakerState.HALF_OPEN)
            return False, self
        return False, self  # HALF_OPEN: the one trial call is still out

    def on_success(self) -> CircuitBreaker:
        return replace(self, state=BreakerState.CLOSED, failures=0, opened_at=None)

    def on_failure(self, now: datetime) -> CircuitBreaker:
        failures = self.failures + 1
        if self.state is BreakerState.HALF_OPEN or failures >= self.failure_threshold:
            return replace(self, state=BreakerState.OPEN, failures=failures, opened_at=now)
        return replace(self, failures=failures)
