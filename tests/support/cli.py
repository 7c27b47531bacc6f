"""Running a command-line `main` in a test: how it exited and what it wrote to stderr."""

from __future__ import annotations

from collections.abc import Callable

import pytest


def exit_of(
    main: Callable[[list[str]], object], argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[object, str]:
    """`main(argv)`, which must exit: its exit code and its standard error."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return exit_info.value.code, capsys.readouterr().err
