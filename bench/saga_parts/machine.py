"""The whole machine's CPU during a step (/proc/stat), the stack's run-queue wait
(/proc/<pid>/task/<tid>/schedstat) and the busiest processes the stack's sum does not count."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import psutil

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
_BUSY_FIELDS = ("user", "nice", "system", "irq", "softirq", "steal")
_FIELDS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")


@dataclass(frozen=True)
class MachineTicks:
    """The aggregate `cpu` line of /proc/stat, in clock ticks (guest time is within user)."""

    fields: dict[str, int]

    def since(self, earlier: MachineTicks) -> MachineTicks:
        return MachineTicks({n: self.fields[n] - earlier.fields[n] for n in self.fields})

    def cores(self, name: str, seconds: float) -> float:
        """Cores spent in one field (`softirq`) over `seconds` of wall time."""
        return self.fields[name] / TICKS_PER_SECOND / seconds

    def busy_cores(self, seconds: float) -> float:
        """Cores busy (user, nice, system, irq, softirq, steal) over `seconds` of wall time."""
        return sum(self.fields[n] for n in _BUSY_FIELDS) / TICKS_PER_SECOND / seconds


def parse_proc_stat(text: str) -> MachineTicks:
    """The aggregate `cpu` line of a /proc/stat text."""
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[0] == "cpu":
            values = [int(v) for v in parts[1 : 1 + len(_FIELDS)]]
            values += [0] * (len(_FIELDS) - len(values))
            return MachineTicks(dict(zip(_FIELDS, values, strict=True)))
    raise ValueError("no aggregate cpu line in /proc/stat")


def machine_ticks() -> MachineTicks:
    return parse_proc_stat(Path("/proc/stat").read_text())


def parse_schedstat(text: str) -> tuple[int, int]:
    """(ns on a CPU, ns waiting on a run queue) from a schedstat line."""
    running, waiting, _slices = text.split()
    return int(running), int(waiting)


def runqueue_wait_seconds(pids: list[int]) -> float:
    """Seconds the threads of `pids` have waited on a run queue, summed (live threads only)."""
    total = 0
    for pid in pids:
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                total += parse_schedstat((task / "schedstat").read_text())[1]
            except (OSError, ValueError):
                continue
    return total / 1e9


def all_process_seconds() -> dict[int, tuple[str, float]]:
    """Every process on the machine: pid -> (name, its own CPU seconds). Not its reaped
    children's: a shell whose job ended would show that job's whole life in one step."""
    seen: dict[int, tuple[str, float]] = {}
    for process in psutil.process_iter(["name", "cpu_times"]):
        times = process.info["cpu_times"]
        if times is None:
            continue
        seen[process.pid] = (process.info["name"] or "?", times.user + times.system)
    return seen


def busiest_outside(
    before: dict[int, tuple[str, float]],
    after: dict[int, tuple[str, float]],
    counted: set[int],
    top: int = 6,
) -> dict[str, float]:
    """CPU seconds, by name, of the processes not in `counted` between two snapshots (a process
    that started in between counts all its time; one that ended in between is lost)."""
    spent: dict[str, float] = {}
    for pid, (name, seconds) in after.items():
        if pid in counted:
            continue
        delta = seconds - before[pid][1] if pid in before and before[pid][0] == name else seconds
        if delta > 0:
            spent[name] = spent.get(name, 0.0) + delta
    return dict(sorted(spent.items(), key=lambda item: -item[1])[:top])
