"""Errors raised by the local infrastructure."""


class InfraError(RuntimeError):
    """A component failed to start or to become ready."""


class MissingDependencyError(InfraError):
    """A provisioned artifact is missing; the message says which command installs it."""

    def __init__(self, what: str, command: str = "make deps") -> None:
        super().__init__(f"{what} is not installed: run `{command}`")
        self.what = what
        self.command = command
