"""How often, and how far apart, a delivery is tried."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` tries in all, waiting `initial_delay * multiplier**n` (capped) in between."""

    attempts: int
    initial_delay: timedelta
    multiplier: float = 2.0
    max_delay: timedelta = timedelta(seconds=30)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.initial_delay < timedelta(0) or self.max_delay < self.initial_delay:
            raise ValueError("delays must satisfy 0 <= initial_delay <= max_delay")
        if self.multiplier < 1:
            raise ValueError("multiplier must be at least 1")

    def delay_after(self, attempt: int) -> timedelta:
        """The pause after failed attempt number `attempt` (1-based)."""
        if attempt < 1:
            raise ValueError("attempts are numbered from 1")
        return min(self.initial_delay * self.multiplier ** (attempt - 1), self.max_delay)
