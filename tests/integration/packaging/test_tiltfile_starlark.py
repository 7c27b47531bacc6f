"""The Tiltfile parses and resolves with go.starlark.net, the interpreter Tilt embeds.

Tilt cannot be built here (the Go module proxy does not serve github.com/tilt-dev/tilt), so this
is as far as the Tiltfile can be evaluated: Tilt's Starlark dialect, with Tilt's built-ins as
the only predeclared names — an undefined name, a Python-only construct or a syntax error fails.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from localinfra.paths import REPO_ROOT
from localinfra.starlark import starlark_check_binary
from support.provisioned import provisioned

# The Tiltfile API (docs.tilt.dev/api.html): the names a Tiltfile may use besides Starlark's own.
TILT_BUILTINS = (
    "allow_k8s_contexts",
    "blob",
    "config",
    "custom_build",
    "default_registry",
    "docker_build",
    "docker_compose",
    "dc_resource",
    "fall_back_on",
    "helm",
    "include",
    "k8s_custom_deploy",
    "k8s_kind",
    "k8s_resource",
    "k8s_yaml",
    "kustomize",
    "link",
    "listdir",
    "load",
    "load_dynamic",
    "local",
    "local_resource",
    "os",
    "read_file",
    "read_json",
    "read_yaml",
    "restart_container",
    "run",
    "secret_settings",
    "set_team",
    "sync",
    "update_settings",
    "v1alpha1",
    "version_settings",
    "watch_file",
    "warn",
    "decode_json",
    "decode_yaml",
    "encode_json",
    "encode_yaml",
    "filter_yaml",
    "port_forward",
    "trigger_mode",
    "TRIGGER_MODE_AUTO",
    "TRIGGER_MODE_MANUAL",
    "struct",
    "shlex",
    "sys",
)


@pytest.fixture(scope="module")
def starlark_check() -> Path:
    return provisioned(starlark_check_binary)


def check(starlark_check: Path, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(starlark_check), "-predeclared", ",".join(TILT_BUILTINS), str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_the_checker_rejects_what_tilt_would(starlark_check: Path, tmp_path: Path) -> None:
    python_only = tmp_path / "python-only"
    python_only.write_text("docker_build('x', '.' '.')\n")  # implicit string concatenation
    undefined = tmp_path / "undefined"
    undefined.write_text("k8s_yaml(kubectl_apply('x.yaml'))\n")
    assert "got string literal" in check(starlark_check, python_only).stdout
    assert "undefined: kubectl_apply" in check(starlark_check, undefined).stdout


def test_the_tiltfile_is_valid_starlark_using_only_tilt_builtins(starlark_check: Path) -> None:
    result = check(starlark_check, REPO_ROOT / "Tiltfile")
    assert result.returncode == 0, result.stdout + result.stderr
