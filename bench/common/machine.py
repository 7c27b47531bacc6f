"""What a figure's title says about the machine a benchmark ran on: cores and load."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass
class LoadWatch:
    """1-minute load averages sampled during a run (call `sample()` now and then)."""

    samples: list[float] = field(default_factory=list)

    def sample(self) -> None:
        self.samples.append(os.getloadavg()[0])

    def describe(self) -> str:
        """`2 cores, load 3.1-7.4` (the range of the 1-minute load average while measuring)."""
        cores = f"{os.cpu_count()} cores"
        if not self.samples:
            return cores
        low, high = min(self.samples), max(self.samples)
        load = f"{low:.1f}" if round(low, 1) == round(high, 1) else f"{low:.1f}-{high:.1f}"
        return f"{cores}, 1-min load average {load} during the run"
