"""The shapes shared by launched components: stopped on exit, or one supervised process."""

from __future__ import annotations

import signal
from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

from localinfra.process import ManagedProcess


class StopOnExit(ABC):
    """A context manager that calls `close()` (by default `stop()`) on exit."""

    @abstractmethod
    def stop(self) -> None:
        """Stop everything this object started."""

    def close(self) -> None:
        """Stop, and release whatever else the object holds."""
        self.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SingleProcessLauncher(StopOnExit):
    """A component run as one ManagedProcess; a context manager that starts it on entry."""

    stop_timeout: float = 15.0
    _process: ManagedProcess | None = None

    @property
    def process(self) -> ManagedProcess | None:
        return self._process

    @abstractmethod
    def start(self) -> Self:
        """Start the process and return once the component is ready."""

    def stop(self) -> None:
        """Stop the process (its own shutdown first, SIGKILL after `stop_timeout`)."""
        if self._process is not None:
            self._process.stop(timeout=self.stop_timeout)
            self._process = None

    def kill(self, sig: signal.Signals = signal.SIGKILL) -> None:
        """Stop the process abruptly with `sig` (its data stays for the next `start()`)."""
        if self._process is not None:
            self._process.stop_signal = sig
        self.stop()

    def signal(self, sig: signal.Signals) -> None:
        """Send `sig` to the running process's group (SIGSTOP, SIGCONT, ...)."""
        if self._process is not None:
            self._process.send_signal(sig)

    def __enter__(self) -> Self:
        return self.start()
