"""What the image's builder stage does, without Docker: install the build context's lock file
without dev dependencies, then run the entry points and import every module with only that.

Catches a runtime import of a dev-only package, a lock that does not satisfy the project, and
entry points that do not start — the failures a `docker build` on CI would reveal late.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from localinfra.paths import REPO_ROOT

# The build context the Dockerfile copies (and .dockerignore keeps).
CONTEXT = ("pyproject.toml", "uv.lock", "README.md", "services", "operator")
IMPORT_ALL = """
import importlib, pkgutil, sys
failed = []
for package in ("shop", "shopkeeper"):
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue  # Alembic environments run on import; they run inside `shop migrate`
        try:
            importlib.import_module(info.name)
        except Exception as err:
            failed.append(f"{info.name}: {type(err).__name__}: {err}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def uv() -> str:
    found = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not Path(found).exists():
        pytest.fail("uv is needed (make venv installs it)")
    return found


@pytest.fixture(scope="module")
def runtime_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`uv sync --frozen --no-dev` of a copy of the build context, as the builder stage runs it."""
    app = tmp_path_factory.mktemp("image") / "app"
    app.mkdir()
    for name in CONTEXT:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, app / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        else:
            shutil.copy2(source, app / name)
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(app / ".venv"), "VIRTUAL_ENV": ""}
    result = subprocess.run(
        [uv(), "sync", "--frozen", "--no-dev", "--quiet"],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return app / ".venv"


def run_in(venv: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    return subprocess.run(
        [str(venv / "bin" / argv[0]), *argv[1:]],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env=env,
        cwd=venv.parent,
    )


def test_no_dev_dependency_is_installed(runtime_venv: Path) -> None:
    assert not (runtime_venv / "bin" / "pytest").exists()
    assert not (runtime_venv / "bin" / "mypy").exists()


@pytest.mark.parametrize("program", ["shop", "shopkeeper"])
def test_the_entry_points_start(runtime_venv: Path, program: str) -> None:
    result = run_in(runtime_venv, program, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


def test_the_operator_prints_its_crd_from_the_runtime_install(runtime_venv: Path) -> None:
    result = run_in(runtime_venv, "shopkeeper", "crd")
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout == (REPO_ROOT / "crds" / "ecommerceplatforms.shopkeeper.dev.yaml").read_text()
    )


def test_every_module_imports_without_dev_dependencies(runtime_venv: Path) -> None:
    result = run_in(runtime_venv, "python", "-c", IMPORT_ALL)
    assert result.returncode == 0, result.stdout + result.stderr
