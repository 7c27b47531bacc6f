"""A provisioning command's exit code says whether something is not installed or failed."""

from __future__ import annotations

import pytest

from localinfra.errors import InfraError, MissingDependencyError, reported


def test_a_missing_dependency_exits_4_naming_the_command_that_installs_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert reported(MissingDependencyError("kafka")) == 4
    assert capsys.readouterr().err == "error: kafka is not installed: run `make deps`\n"


def test_any_other_infrastructure_failure_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert reported(InfraError("postgres did not start")) == 1
    assert capsys.readouterr().err == "error: postgres did not start\n"
