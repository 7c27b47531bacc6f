"""CPU time of the stack (every process this benchmark started, and theirs) and of the client."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import psutil
from bench.saga_parts import machine


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
    """Cumulative CPU seconds: the client (this process), the stack in all and per process;
    with the machine's /proc/stat ticks, the stack threads' run-queue wait, the wall clock, and
    every process of the machine (to name what the stack's sum leaves out)."""

    client: float
    stack: float
    per_process: dict[str, float]
    machine: machine.MachineTicks | None = None
    runqueue_wait: float = 0.0
    wall: float = 0.0
    stack_pids: frozenset[int] = frozenset()
    everyone: dict[int, tuple[str, float]] = field(default_factory=dict)
    outside: dict[str, float] = field(default_factory=dict)
    """On a difference (`since`): CPU seconds of the busiest processes outside the stack."""

    def since(self, earlier: CpuSample) -> CpuSample:
        names = set(self.per_process) | set(earlier.per_process)
        return CpuSample(
            self.client - earlier.client,
            self.stack - earlier.stack,
            {n: self.per_process.get(n, 0.0) - earlier.per_process.get(n, 0.0) for n in names},
            self.machine.since(earlier.machine) if self.machine and earlier.machine else None,
            self.runqueue_wait - earlier.runqueue_wait,
            self.wall - earlier.wall,
            self.stack_pids | earlier.stack_pids,
            outside=machine.busiest_outside(
                earlier.everyone,
                self.everyone,
                set(self.stack_pids | earlier.stack_pids) | {os.getpid()},
            ),
        )


def sample() -> CpuSample:
    """Now. A descendant's time counts with its live self plus its reaped children (a
    PostgreSQL backend that ended is in the postmaster's children time)."""
    me = psutil.Process(os.getpid())
    own = me.cpu_times()
    per_process: dict[str, float] = {}
    children = me.children(recursive=True)
    for child in children:
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        spent = times.user + times.system + times.children_user + times.children_system
        label = _label(child)
        per_process[label] = per_process.get(label, 0.0) + spent
    stack_pids = [child.pid for child in children]
    return CpuSample(
        own.user + own.system,
        sum(per_process.values()),
        dict(per_process),
        machine.machine_ticks(),
        machine.runqueue_wait_seconds(stack_pids),
        time.monotonic(),
        frozenset(stack_pids),
        machine.all_process_seconds(),
    )


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (/proc/loadavg)."""
    return [round(value, 2) for value in os.getloadavg()]


def pids(label: str) -> list[int]:
    """The ids of this benchmark's stack processes of one label (`basket-api`)."""
    children = psutil.Process(os.getpid()).children(recursive=True)
    return [child.pid for child in children if _label(child) == label]
