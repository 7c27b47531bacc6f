"""Prometheus and promtool from Debian's `prometheus` package at its pin, unpacked into the cache
(no service installed, no dependencies: both binaries are static Go programs).

The packaging tests check the chart's alerting rules with promtool (`check rules`, `test rules`);
`make up` and the observability tests run the server (`localinfra.prometheus_server`). The
package's web assets are not kept: the server's HTTP API is what is used.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from localinfra.errors import InfraError, MissingDependencyError
from localinfra.paths import cache_dir
from localinfra.process import run_checked
from localinfra.versions import pins

PACKAGE = "prometheus"
BINARIES = ("prometheus", "promtool")
STAMP_NAME = ".package-version"


def pinned_version() -> str:
    return pins()["PROMETHEUS_DEB_VERSION"]


def home() -> Path:
    return cache_dir() / f"prometheus-{pinned_version()}"


def _binary(name: str) -> Path:
    binary = home() / "bin" / name
    stamp = home() / STAMP_NAME
    if not binary.is_file() or not stamp.is_file() or stamp.read_text() != pinned_version():
        raise MissingDependencyError(f"{name} (Debian's {PACKAGE} {pinned_version()})", "make deps")
    return binary


def promtool_binary() -> Path:
    """The unpacked promtool; raises MissingDependencyError when it is not provisioned."""
    return _binary("promtool")


def prometheus_binary() -> Path:
    """The unpacked Prometheus server; raises MissingDependencyError when not provisioned."""
    return _binary("prometheus")


def _cached() -> bool:
    try:
        return all(_binary(name).is_file() for name in BINARIES)
    except MissingDependencyError:
        return False


def _apt_knows(version: str) -> bool:
    found = subprocess.run(
        ["apt-cache", "show", f"{PACKAGE}={version}"], capture_output=True, check=False
    )
    return found.returncode == 0


def provision(force: bool = False) -> None:
    """Download the pinned package and keep its two binaries, unless already there."""
    version = pinned_version()
    if not force and _cached():
        print(f"prometheus: {PACKAGE} {version} cached in {home()}", flush=True)
        return
    if shutil.which("apt-get") is None:
        raise InfraError(f"Prometheus comes from Debian's {PACKAGE} package: apt-get is needed")
    if not _apt_knows(version):
        run_checked(["apt-get", "update", "-qq"], what="apt-get update", timeout=600)
    if not _apt_knows(version):
        raise InfraError(f"Debian has no {PACKAGE} {version} (hack/versions.env pins it)")
    with tempfile.TemporaryDirectory() as scratch:
        run_checked(
            ["apt-get", "download", f"{PACKAGE}={version}"],
            what="apt-get download",
            cwd=Path(scratch),
            timeout=600,
        )
        (deb,) = Path(scratch).glob("*.deb")
        run_checked(["dpkg-deb", "-x", str(deb), f"{scratch}/root"], what="dpkg-deb -x")
        bin_dir = home() / "bin"
        bin_dir.mkdir(parents=True, exist_ok=True)
        for name in BINARIES:
            staged = bin_dir / f"{name}.new"
            shutil.copy2(Path(scratch) / "root" / "usr" / "bin" / name, staged)
            staged.replace(bin_dir / name)
    (home() / STAMP_NAME).write_text(version)
    print(
        f"prometheus: unpacked {', '.join(BINARIES)} of {PACKAGE} {version} into {home()}",
        flush=True,
    )
