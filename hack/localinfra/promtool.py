"""promtool from Debian's `prometheus` package, unpacked into the cache (no service installed).

The packaging tests use it to check the chart's alerting rules and to unit-test them with
`promtool test rules` (synthetic series, expected alerts).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from localinfra.errors import InfraError, MissingDependencyError
from localinfra.paths import cache_dir
from localinfra.process import run_checked

PACKAGE = "prometheus"
STAMP_NAME = ".package-version"


def home() -> Path:
    return cache_dir() / "promtool"


def promtool_binary() -> Path:
    """The unpacked promtool; raises MissingDependencyError when it is not provisioned."""
    binary = home() / "bin" / "promtool"
    if not binary.is_file():
        raise MissingDependencyError("promtool", "make deps")
    return binary


def _candidate_version() -> str:
    policy = run_checked(["apt-cache", "policy", PACKAGE], what="apt-cache policy")
    for line in policy.splitlines():
        key, _, value = line.strip().partition(":")
        if key == "Candidate" and value.strip() not in ("", "(none)"):
            return value.strip()
    return ""


def provision(force: bool = False) -> None:
    """Download Debian's prometheus package and keep only promtool, unless already there."""
    if shutil.which("apt-get") is None:
        raise InfraError("promtool comes from Debian's prometheus package: apt-get is needed")
    version = _candidate_version()
    if not version:
        run_checked(["apt-get", "update", "-qq"], what="apt-get update", timeout=600)
        version = _candidate_version()
    if not version:
        raise InfraError(f"no Debian package {PACKAGE} is available")
    stamp = home() / STAMP_NAME
    if not force and stamp.is_file() and stamp.read_text() == version:
        print(f"promtool: from {PACKAGE} {version}, cached in {home()}", flush=True)
        return
    with tempfile.TemporaryDirectory() as scratch:
        run_checked(
            ["apt-get", "download", f"{PACKAGE}={version}"],
            what="apt-get download",
            cwd=Path(scratch),
            timeout=600,
        )
        (deb,) = Path(scratch).glob("*.deb")
        run_checked(["dpkg-deb", "-x", str(deb), f"{scratch}/root"], what="dpkg-deb -x")
        (home() / "bin").mkdir(parents=True, exist_ok=True)
        staged = home() / "bin" / "promtool.new"
        shutil.copy2(Path(scratch) / "root" / "usr" / "bin" / "promtool", staged)
        staged.replace(home() / "bin" / "promtool")
    stamp.write_text(version)
    print(f"promtool: unpacked from {PACKAGE} {version} into {home()}", flush=True)
