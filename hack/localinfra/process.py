"""Child processes that never outlive their starter.

Every process is started in its own session (so a whole process group can be signalled) and with
PR_SET_PDEATHSIG, so the kernel kills it if the starter dies, even by SIGKILL. `ProcessRegistry`
stops what is still running at interpreter exit and on SIGTERM/SIGHUP.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import pwd
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import FrameType

from localinfra.errors import InfraError

_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True)


def _die_with_parent() -> None:
    # Runs in the child between fork and exec; only async-signal-safe calls belong here.
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def http_ok(url: str, timeout: float = 1.0) -> bool:
    """Whether a plain-HTTP GET of `url` answers 2xx."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status: int = response.status
            return 200 <= status < 300
    except (urllib.error.URLError, OSError):
        return False


def alive(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"  # a zombie is already dead


def cmdline(pid: int) -> str:
    """The command line of process `pid`, space-separated ('' if it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def all_pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


class ManagedProcess:
    """One long-running child process with its log captured to a file."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log_path: Path,
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        die_with_parent: bool = True,
        user: str | None = None,
        stop_signal: signal.Signals = signal.SIGTERM,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self.die_with_parent = die_with_parent
        self.user = user
        self.stop_signal = stop_signal
        self._popen: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen else None

    def start(self) -> ManagedProcess:
        """Spawn the process; its stdout and stderr go to `log_path`."""
        if self._popen is not None:
            raise InfraError(f"{self.name} already started")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env} if self.env is not None else None
        with self.log_path.open("ab") as log:
            self._popen = subprocess.Popen(
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=self.cwd,
                start_new_session=True,
                user=self.user,
                group=_primary_group(self.user),
                extra_groups=[] if self.user else None,
                preexec_fn=_die_with_parent if self.die_with_parent else None,
            )
        ProcessRegistry.instance().add(self)
        return self

    def running(self) -> bool:
        return self._popen is not None and self._popen.poll() is None

    def wait_ready(self, probe: Callable[[], bool], *, timeout: float, what: str = "ready") -> None:
        """Poll `probe` until it holds; fail early if the process exits, or at `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                code = self._popen.returncode if self._popen else None
                raise InfraError(
                    f"{self.name} exited with code {code} before it was {what}\n{self.log_tail()}"
                )
            if probe():
                return
            time.sleep(0.1)
        raise InfraError(f"{self.name} was not {what} within {timeout:.0f}s\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        """The last lines of the process log, for error messages and test reports."""
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return f"(no log at {self.log_path})"
        tail = "\n".join(text.splitlines()[-lines:])
        return f"--- last {lines} lines of {self.log_path} ---\n{tail}"

    def send_signal(self, sig: signal.Signals) -> None:
        """Send `sig` to the process group, if it still runs."""
        if self._popen is not None and self._popen.poll() is None:
            _signal_group(self._popen.pid, sig)

    def stop(self, timeout: float = 15.0) -> None:
        """Send `stop_signal` to the process group, then SIGKILL what is left after `timeout`."""
        popen = self._popen
        if popen is None:
            return
        try:
            if popen.poll() is None:
                _signal_group(popen.pid, self.stop_signal)
                try:
                    popen.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    _signal_group(popen.pid, signal.SIGKILL)
                    popen.wait(timeout=timeout)
            # Children of the leader (e.g. a JVM's helpers) may linger in the group.
            _signal_group(popen.pid, signal.SIGKILL)
        finally:
            ProcessRegistry.instance().discard(self)


def _primary_group(user: str | None) -> int | None:
    return pwd.getpwnam(user).pw_gid if user else None


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def run_checked(
    argv: Sequence[str],
    *,
    what: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 600,
    user: str | None = None,
) -> str:
    """Run a short command to completion; raise InfraError with its output if it fails."""
    full_env = {**os.environ, **env} if env is not None else None
    result = subprocess.run(
        list(argv),
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=timeout,
        check=False,
        user=user,
        group=_primary_group(user),
        extra_groups=[] if user else None,
    )
    if result.returncode != 0:
        raise InfraError(
            f"{what} failed (exit {result.returncode}): {' '.join(argv)}\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result.stdout


class ProcessRegistry:
    """Every ManagedProcess still running in this interpreter, stopped at exit or on SIGTERM."""

    _instance: ProcessRegistry | None = None
    _instance_lock = threading.Lock()

    def __init__(self) -> None:
        self._processes: list[ManagedProcess] = []
        self._lock = threading.Lock()
        atexit.register(self.stop_all)
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGHUP):
                previous = signal.getsignal(sig)
                if previous in (signal.SIG_DFL, None):
                    signal.signal(sig, self._on_signal)

    @classmethod
    def instance(cls) -> ProcessRegistry:
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def add(self, process: ManagedProcess) -> None:
        with self._lock:
            self._processes.append(process)

    def discard(self, process: ManagedProcess) -> None:
        with self._lock:
            if process in self._processes:
                self._processes.remove(process)

    def running(self) -> list[ManagedProcess]:
        with self._lock:
            return [p for p in self._processes if p.running()]

    def stop_all(self) -> None:
        """Stop in reverse start order (dependents before what they depend on)."""
        with self._lock:
            processes = list(reversed(self._processes))
        for process in processes:
            process.stop(timeout=10)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self.stop_all()
        # An interruption, not an exit: pytest ends the whole session on KeyboardInterrupt
        # (a SystemExit inside a test only fails that test and the run would go on).
        raise KeyboardInterrupt(f"stopped by signal {signum}")
