"""Debian packages at pinned versions, installed with apt-get when missing (as root)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping

from localinfra.errors import MissingDependencyError
from localinfra.process import run_checked

_APT_ENV = {"DEBIAN_FRONTEND": "noninteractive"}


def installed_version(package: str) -> str | None:
    """The installed version of `package`, or None."""
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${db:Status-Status} ${Version}", package],
        capture_output=True,
        text=True,
        check=False,
    )
    status, _, version = result.stdout.partition(" ")
    return version if result.returncode == 0 and status == "installed" else None


def ensure_packages(pinned: Mapping[str, str], *, label: str) -> bool:
    """Install each `package -> version` not installed at that version; True if it installed."""
    missing = [f"{pkg}={ver}" for pkg, ver in pinned.items() if installed_version(pkg) != ver]
    if not missing:
        return False
    if os.geteuid() != 0:
        raise MissingDependencyError(
            f"Debian packages {', '.join(missing)}", f"sudo apt-get install {' '.join(missing)}"
        )
    print(f"{label}: installing {', '.join(missing)} from Debian", flush=True)
    run_checked(["apt-get", "update", "-qq"], what="apt-get update", env=_APT_ENV, timeout=600)
    run_checked(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        what="apt-get install",
        env=_APT_ENV,
        timeout=1200,
    )
    return True
