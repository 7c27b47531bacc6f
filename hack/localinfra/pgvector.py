"""pgvector for the local PostgreSQL, as the Debian package `postgresql-<major>-pgvector`.

Bookworm ships no pgvector (Debian packages it from trixie on, for PostgreSQL 17), so this
fetches the pinned `pgvector` source package of a newer suite with apt-get (from the mirror the
machine's own Debian sources name, through a private apt state: the system's sources stay as
they are), builds it with Debian's own packaging for the installed server's major version
(`pg_buildext updatecontrol`, then `dpkg-buildpackage`), caches the .deb under
`<cache>/pgvector/` and installs it with dpkg. The next run finds it installed, or installs the
cached .deb without building.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from localinfra.debian import ensure_packages, installed_version
from localinfra.errors import InfraError, MissingDependencyError
from localinfra.paths import cache_dir
from localinfra.process import run_checked
from localinfra.versions import pins, versions

_APT_ENV = {"DEBIAN_FRONTEND": "noninteractive"}


def package() -> str:
    return f"postgresql-{versions().postgres_major}-pgvector"


def provision(force: bool = False) -> None:
    """Install `postgresql-<major>-pgvector` at the pinned version, building it if not cached."""
    version = pins()["PGVECTOR_DEB_SOURCE_VERSION"]
    if not force and installed_version(package()) == version:
        print(f"pgvector: {package()} {version} installed", flush=True)
        return
    if os.geteuid() != 0:
        raise MissingDependencyError(f"{package()} {version}", "sudo make deps")
    deb = _cached_deb(version)
    if force or not deb.exists():
        _build(version, deb)
    print(f"pgvector: installing {deb.name}", flush=True)
    run_checked(["dpkg", "-i", str(deb)], what=f"dpkg -i {deb.name}", env=_APT_ENV)
    print(f"pgvector: {package()} {version} installed", flush=True)


def _workdir() -> Path:
    return cache_dir() / "pgvector"


def _cached_deb(version: str) -> Path:
    arch = run_checked(["dpkg", "--print-architecture"], what="dpkg --print-architecture")
    return _workdir() / f"{package()}_{version}_{arch.strip()}.deb"


def _build(version: str, deb: Path) -> None:
    major = versions().postgres_major
    server = installed_version(f"postgresql-{major}")
    if server is None:
        raise MissingDependencyError(f"PostgreSQL {major} server")
    ensure_packages(
        {
            f"postgresql-server-dev-{major}": server,  # the headers of the very server
            "postgresql-server-dev-all": pins()["POSTGRESQL_SERVER_DEV_ALL_DEB_VERSION"],
            "debhelper": pins()["DEBHELPER_DEB_VERSION"],
        },
        label="pgvector",
    )
    build = _workdir() / "build"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    print(f"pgvector: building pgvector {version} for PostgreSQL {major}", flush=True)
    _fetch_source(version, build)
    source = build / "src"
    run_checked(
        ["dpkg-source", "-x", next(build.glob("pgvector_*.dsc")).name, "src"],
        what="dpkg-source -x",
        cwd=build,
    )
    run_checked(["pg_buildext", "updatecontrol"], what="pg_buildext updatecontrol", cwd=source)
    # The package depends on the server it is built for (pg_buildext reads the minimum minor
    # version here first; postgresql-common's own list may name a newer minor than installed).
    (source / "debian" / "minor_versions").write_text(f"{major} {server.partition('-')[0]}\n")
    run_checked(
        ["dpkg-buildpackage", "--build=binary", "--no-sign", "--no-check-builddeps"],
        what="dpkg-buildpackage (pgvector)",
        cwd=source,
        # nocheck: the upstream regression tests need every PostgreSQL major (postgresql-all).
        env={**_APT_ENV, "DEB_BUILD_OPTIONS": "nocheck"},
        timeout=1800,
    )
    built = build / deb.name
    if not built.exists():
        raise InfraError(f"pgvector: dpkg-buildpackage made no {deb.name} in {build}")
    built.replace(deb)
    shutil.rmtree(build, ignore_errors=True)


def _fetch_source(version: str, into: Path) -> None:
    """`apt-get source --download-only pgvector=<version>` from the pinned suite, through an
    apt state of its own under `into` (the Sources index is verified by apt as usual)."""
    state = into / "apt"
    for sub in ("lists/partial", "cache/archives/partial"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    sources = state / "sources.list"
    suite = pins()["PGVECTOR_DEB_SOURCE_SUITE"]
    sources.write_text(f"deb-src {debian_mirror()} {suite} main\n")
    options = [
        f"-oDir::Etc::sourcelist={sources}",
        "-oDir::Etc::sourceparts=-",
        f"-oDir::State::Lists={state / 'lists'}",
        f"-oDir::Cache={state / 'cache'}",
    ]
    run_checked(["apt-get", "update", "-qq", *options], what="apt-get update", env=_APT_ENV)
    run_checked(
        ["apt-get", "source", "--download-only", "-qq", *options, f"pgvector={version}"],
        what=f"apt-get source pgvector={version}",
        env=_APT_ENV,
        cwd=into,
    )


def debian_mirror() -> str:
    """The Debian mirror the machine's apt sources name for its own suite."""
    own_suite = _os_release().get("VERSION_CODENAME", "")
    listed = subprocess.run(
        ["apt-get", "indextargets", "--no-release-info", "--format", "$(SITE) $(RELEASE)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    mirror = mirror_of_suite(listed, own_suite)
    if mirror is None:
        raise InfraError(f"pgvector: no apt source of this machine names the suite {own_suite!r}")
    return mirror


def mirror_of_suite(indextargets: str, suite: str) -> str | None:
    """From `apt-get indextargets` lines `SITE RELEASE`, the site of `suite` (None: none)."""
    for line in indextargets.splitlines():
        site, _, release = line.strip().partition(" ")
        if release == suite and site:
            return site
    return None


def _os_release() -> dict[str, str]:
    lines = Path("/etc/os-release").read_text().splitlines()
    pairs = (line.partition("=") for line in lines if "=" in line)
    return {key: value.strip('"') for key, _, value in pairs}
