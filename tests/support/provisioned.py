"""What fixtures take from the project's provisioning: a missing tool or server ends the session
with one clear line (exit code 4, like a usage error), a failed start fails the test saying what
did not start."""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn, TypeVar

import pytest

from localinfra.errors import InfraError, MissingDependencyError

T = TypeVar("T")


def exit_on_missing_dependency(err: MissingDependencyError) -> NoReturn:
    """One clear line instead of a stack trace (exit code 4, like a usage error)."""
    pytest.exit(str(err), returncode=4)


def provisioned(step: Callable[[], T], failing: str | None = None) -> T:
    """`step()`'s result (a binary's path, a started server's...). A missing dependency ends the
    session; with `failing`, any other `InfraError` fails the test as `<failing>: <error>`."""
    try:
        return step()
    except MissingDependencyError as err:
        exit_on_missing_dependency(err)
    except InfraError as err:
        if failing is None:
            raise
        pytest.fail(f"{failing}: {err}", pytrace=False)
