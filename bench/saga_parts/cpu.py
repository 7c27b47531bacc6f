"""CPU time of the stack (every process this benchmark started, and theirs) and of the client."""

from __future__ import annotations

import os
from dataclasses import dataclass

import psutil


def _label(process: psutil.Process) -> str:
    """A short name for a stack process: `ordering-worker`, `postgres`, `kafka`, `connect`."""
    try:
        argv = process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return "gone"
    joined = " ".join(argv)
    if "shop.cli" in argv and "run" in argv:
        return argv[argv.index("run") + 1]
    if "shop.cli" in argv and "up" in argv:
        return "shop-up (supervisor)"
    if "postgres" in joined:
        return "postgres"
    if "ConnectDistributed" in joined:
        return "connect"
    if "kafka.Kafka" in joined:
        return "kafka"
    return process.name()


@dataclass(frozen=True)
class CpuSample:
    """Cumulative CPU seconds: the client (this process), the stack in all and per process."""

    client: float
    stack: float
    per_process: dict[str, float]

    def since(self, earlier: CpuSample) -> CpuSample:
        names = set(self.per_process) | set(earlier.per_process)
        return CpuSample(
            self.client - earlier.client,
            self.stack - earlier.stack,
            {n: self.per_process.get(n, 0.0) - earlier.per_process.get(n, 0.0) for n in names},
        )


def sample() -> CpuSample:
    """Now. A descendant's time counts with its live self plus its reaped children (a
    PostgreSQL backend that ended is in the postmaster's children time)."""
    me = psutil.Process(os.getpid())
    own = me.cpu_times()
    per_process: dict[str, float] = {}
    for child in me.children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        spent = times.user + times.system + times.children_user + times.children_system
        label = _label(child)
        per_process[label] = per_process.get(label, 0.0) + spent
    return CpuSample(own.user + own.system, sum(per_process.values()), dict(per_process))


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (/proc/loadavg)."""
    return [round(value, 2) for value in os.getloadavg()]


def pids(label: str) -> list[int]:
    """The ids of this benchmark's stack processes of one label (`basket-api`)."""
    children = psutil.Process(os.getpid()).children(recursive=True)
    return [child.pid for child in children if _label(child) == label]
