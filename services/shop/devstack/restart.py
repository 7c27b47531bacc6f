"""When to restart a process that exited or stopped answering its liveness probe.

Like a kubelet's CrashLoopBackOff: the delay doubles with each consecutive failure up to a cap,
and a run that lasted long enough counts as healthy, which resets the count.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RestartPolicy:
    initial_delay_seconds: float = 0.5
    max_delay_seconds: float = 30.0
    stable_after_seconds: float = 30.0
    liveness_failures_to_restart: int = 3

    def __post_init__(self) -> None:
        if self.initial_delay_seconds <= 0 or self.max_delay_seconds < self.initial_delay_seconds:
            raise ValueError("need 0 < initial_delay_seconds <= max_delay_seconds")
        if self.stable_after_seconds <= 0 or self.liveness_failures_to_restart < 1:
            raise ValueError("stable_after_seconds and liveness_failures_to_restart must be > 0")

    def failures_after(self, previous_failures: int, uptime_seconds: float) -> int:
        """The consecutive-failure count once a run of `uptime_seconds` has ended badly."""
        if uptime_seconds >= self.stable_after_seconds:
            return 1
        return previous_failures + 1

    def delay(self, failures: int) -> float:
        """Seconds to wait before the next start after `failures` consecutive failures."""
        if failures <= 0:
            return 0.0
        growth: float = 2.0 ** (failures - 1)
        return min(self.max_delay_seconds, self.initial_delay_seconds * growth)
