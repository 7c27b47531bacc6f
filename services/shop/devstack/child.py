"""One supervised child process: spawned in its own session, logging to a file, stopped with
SIGTERM (then SIGKILL) for its whole process group, and killed by the kernel if we die."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def _die_with_parent(libc: ctypes.CDLL) -> None:
    # Runs between fork and exec: only async-signal-safe calls belong here.
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class State(StrEnum):
    PENDING = "pending"
    STARTING = "starting"
    READY = "ready"
    NOT_READY = "not ready"
    BACKOFF = "backoff"
    STOPPED = "stopped"


class Child:
    """A process started from `argv` with `env`, appending its output to `log_path`."""

    def __init__(self, name: str, argv: Sequence[str], env: Mapping[str, str], log_path: Path):
        self.name = name
        self.argv = list(argv)
        self.env = dict(env)
        self.log_path = log_path
        self.state = State.PENDING
        self.restarts = 0
        self.last_exit: int | None = None
        self.started_at: float | None = None
        self._popen: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen is not None and self.running() else None

    def uptime(self) -> float:
        return time.monotonic() - self.started_at if self.started_at is not None else 0.0

    def running(self) -> bool:
        return self._popen is not None and self._popen.poll() is None

    def spawn(self, extra_env: Mapping[str, str] | None = None) -> None:
        """Start the process (the log gets a marker line first)."""
        if self.running():
            raise RuntimeError(f"{self.name} is already running")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        with self.log_path.open("ab") as log:
            log.write(f"--- devstack {stamp}: starting {' '.join(self.argv)}\n".encode())
            log.flush()
            self._popen = subprocess.Popen(
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **self.env, **(extra_env or {})},
                start_new_session=True,
                preexec_fn=functools.partial(_die_with_parent, ctypes.CDLL(None)),
            )
        self.started_at = time.monotonic()
        self.state = State.STARTING

    def exit_code(self) -> int | None:
        """The exit code once the process has ended (None while it runs or never ran)."""
        if self._popen is None:
            return None
        code = self._popen.poll()
        if code is not None:
            self.last_exit = code
        return code

    async def ended(self) -> None:
        """Return once the process has ended, woken by the kernel (a pidfd), not by polling."""
        popen = self._popen
        if popen is None or popen.poll() is not None:
            return
        try:
            descriptor = os.pidfd_open(popen.pid)
        except ProcessLookupError:  # ended and reaped in between
            return
        loop = asyncio.get_running_loop()
        readable = loop.create_future()
        loop.add_reader(descriptor, _resolve, readable)
        try:
            await readable
        finally:
            loop.remove_reader(descriptor)
            os.close(descriptor)
        self.exit_code()

    async def wait(self, within: float) -> bool:
        """Whether the process ended within `within` seconds."""
        deadline = time.monotonic() + within
        while self.running():
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.05)
        self.exit_code()
        return True

    async def terminate(self, grace: float) -> None:
        """SIGTERM to the process group, SIGKILL after `grace` seconds; returns once it is gone."""
        popen = self._popen
        if popen is None:
            return
        if popen.poll() is None:
            _signal_group(popen.pid, signal.SIGTERM)
            if not await self.wait(grace):
                _signal_group(popen.pid, signal.SIGKILL)
                await self.wait(10)
        _signal_group(popen.pid, signal.SIGKILL)  # helpers left in the group
        self.exit_code()


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


async def run_to_completion(
    argv: Sequence[str], env: Mapping[str, str], log_path: Path, within: float
) -> int:
    """Run a short command (a migration) to its end; its exit code (-9 if it overran)."""
    child = Child(log_path.stem, argv, env, log_path)
    child.spawn()
    try:
        if not await child.wait(within):
            await child.terminate(5)
            return -9
    finally:
        if child.running():  # cancelled: Ctrl-C during the migration
            await asyncio.shield(child.terminate(5))
    return child.last_exit if child.last_exit is not None else -1
