"""The web app's toolchain and build: npm packages from package-lock.json, Debian's Chromium.

`provision()` installs web/'s npm packages exactly as the lock file pins them (`npm ci`, npm's
cache in the project cache), skipping it while node_modules still matches the lock.
`provision_chromium()` installs Debian's Chromium at its hack/versions.env pin (the browser
tests drive it headless through playwright-core). `build()` runs the web app's Vite build
into web/dist, which `shop up` serves and the image holds (`current_dist()` skips a build of
unchanged sources).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time
from pathlib import Path

from localinfra.debian import ensure_packages
from localinfra.errors import InfraError, MissingDependencyError
from localinfra.paths import REPO_ROOT, cache_dir
from localinfra.process import run_checked
from localinfra.versions import pins

WEB_DIR = REPO_ROOT / "web"
NODE_MODULES = WEB_DIR / "node_modules"
DIST_DIR = WEB_DIR / "dist"
LOCK_STAMP = NODE_MODULES / ".shopkeeper-lock.sha256"
CHROMIUM_BINARY = Path("/usr/bin/chromium")


def node_major() -> str:
    return pins()["NODE_MAJOR"]


def check_node() -> str:
    """The path of npm; raises unless node of the pinned major version is installed."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise MissingDependencyError(f"Node.js {node_major()} with npm", "install nodejs")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    found = version.stdout.strip().lstrip("v")
    if found.split(".")[0] != node_major():
        raise MissingDependencyError(f"Node.js {node_major()} (found {found})", "install nodejs")
    return npm


def lock_digest() -> str:
    return hashlib.sha256((WEB_DIR / "package-lock.json").read_bytes()).hexdigest()


def npm_env() -> dict[str, str]:
    """npm's cache inside the project cache; no audit, funding or update notices (no calls
    beyond the registry's packages)."""
    return {
        "npm_config_cache": str(cache_dir() / "npm"),
        "npm_config_audit": "false",
        "npm_config_fund": "false",
        "npm_config_update_notifier": "false",
    }


def provision(force: bool = False) -> None:
    """`npm ci` in web/ unless node_modules matches package-lock.json."""
    started = time.monotonic()
    npm = check_node()
    digest = lock_digest()
    if not force and LOCK_STAMP.is_file() and LOCK_STAMP.read_text().strip() == digest:
        print(f"web: npm packages cached in {NODE_MODULES}", flush=True)
        return
    run_checked([npm, "ci", "--no-progress"], what="npm ci", env=npm_env(), cwd=WEB_DIR)
    LOCK_STAMP.write_text(digest + "\n")
    print(f"web: npm ci in {time.monotonic() - started:.1f}s", flush=True)


def provision_chromium(force: bool = False) -> None:
    """Debian's Chromium at its pin (apt-get, as root)."""
    del force  # apt-get decides from the installed version
    installed = ensure_packages({"chromium": pins()["CHROMIUM_DEB_VERSION"]}, label="chromium")
    print(f"chromium: {'installed' if installed else 'present'} at {CHROMIUM_BINARY}", flush=True)


def chromium_binary() -> Path:
    if not CHROMIUM_BINARY.is_file():
        raise MissingDependencyError("Debian's chromium", "make deps")
    return CHROMIUM_BINARY


def npm_run(script: str, *args: str, timeout: float = 600) -> str:
    """`npm run SCRIPT` in web/ (its packages provisioned first); its output."""
    provision()
    return run_checked(
        [check_node(), "run", "--silent", script, *(["--", *args] if args else [])],
        what=f"npm run {script}",
        env=npm_env(),
        cwd=WEB_DIR,
        timeout=timeout,
    )


def build(*, type_check: bool = True) -> Path:
    """Build the web app into web/dist, type-checking it first unless told not to (the tests
    check the types in their own tier)."""
    started = time.monotonic()
    npm_run("build" if type_check else "bundle")
    if not (DIST_DIR / "index.html").is_file():
        raise InfraError(f"the web build left no {DIST_DIR / 'index.html'}")
    print(f"web: built {DIST_DIR} in {time.monotonic() - started:.1f}s", flush=True)
    return DIST_DIR


SOURCES = ("src", "index.html", "package-lock.json", "package.json", "vite.config.ts")
BUILD_STAMP = NODE_MODULES / ".shopkeeper-dist.sha256"


def sources_digest() -> str:
    """A digest of everything the bundle is made from."""
    digest = hashlib.sha256()
    for name in SOURCES:
        root = WEB_DIR / name
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for file in (f for f in files if f.is_file()):
            digest.update(str(file.relative_to(WEB_DIR)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def current_dist() -> Path:
    """web/dist of the current sources: bundled now (no type check) unless it already is."""
    digest = sources_digest()
    if built_dist() and BUILD_STAMP.is_file() and BUILD_STAMP.read_text().strip() == digest:
        return DIST_DIR
    dist = build(type_check=False)
    BUILD_STAMP.write_text(digest + "\n")
    return dist


def built_dist() -> Path | None:
    """web/dist if a build is there."""
    return DIST_DIR if (DIST_DIR / "index.html").is_file() else None
