"""Errors raised by the local infrastructure, and the exit code a command gives for one."""

import sys


class InfraError(RuntimeError):
    """A component failed to start or to become ready."""


class MissingDependencyError(InfraError):
    """A provisioned artifact is missing; the message says which command installs it."""

    def __init__(self, what: str, command: str = "make deps") -> None:
        super().__init__(f"{what} is not installed: run `{command}`")
        self.what = what
        self.command = command


def reported(err: InfraError) -> int:
    """Print `err` as a command's one error line; its exit code: 4 when something is not
    provisioned (like a usage error), else 1."""
    print(f"error: {err}", file=sys.stderr)
    return 4 if isinstance(err, MissingDependencyError) else 1
