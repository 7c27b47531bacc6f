"""Pinned Go programs built from the wrapper modules under `hack/gobuild/` (Go module proxy).

Each wrapper is a tiny module whose committed go.mod and go.sum lock one upstream module (and
everything it needs); `go build -mod=readonly` then builds exactly that. A stamp next to the
binaries records what they were built from, so provisioning again is a file read.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from localinfra.errors import InfraError
from localinfra.paths import REPO_ROOT
from localinfra.process import run_checked

GOBUILD_DIR = REPO_ROOT / "hack" / "gobuild"
STAMP_NAME = ".build-stamp"
REPIN_COMMAND = "make repin"  # localinfra.repin


@dataclass(frozen=True)
class GoProgram:
    """A main package and the file name of its binary."""

    package: str
    binary: str


@dataclass(frozen=True)
class WrapperModule:
    """A module under hack/gobuild/ that pins `root` and builds `programs` from it."""

    name: str
    root: str
    programs: tuple[GoProgram, ...]
    # k8s.io/kubernetes points its staging modules at ./staging; use their published releases.
    staging_replaces: bool = False

    @property
    def directory(self) -> Path:
        return GOBUILD_DIR / self.name

    def go_mod(self) -> str:
        return (self.directory / "go.mod").read_text()

    def required_version(self, module: str | None = None) -> str:
        """The version go.mod requires of `module` (default: the root), e.g. `v1.34.3`."""
        path = re.escape(module or self.root)
        found = re.search(rf"^\s*(?:require\s+)?{path}\s+(v\S+)", self.go_mod(), re.MULTILINE)
        if not found:
            raise InfraError(f"{self.directory}/go.mod does not require {module or self.root}")
        return found.group(1)


def go_tool() -> str:
    """The `go` command; the wrappers need Go >= 1.24 (older ones fetch that toolchain)."""
    go = shutil.which("go")
    if go is None:
        raise InfraError("the Go toolchain (>= 1.24) is needed: install it from https://go.dev/dl/")
    return go


def check_pin(wrapper: WrapperModule, version: str) -> None:
    """Fail unless the wrapper's go.mod pins `v<version>` (hack/versions.env is the source)."""
    required = wrapper.required_version()
    if required != f"v{version}":
        raise InfraError(
            f"hack/versions.env pins {wrapper.root} {version} but {wrapper.directory}/go.mod "
            f"requires {required}: run `{REPIN_COMMAND}`"
        )


def lock_digest(wrapper: WrapperModule) -> str:
    """A short digest of the wrapper's go.mod and go.sum.

    Binaries live in a directory named by it, so checkouts (worktrees, branches) whose locks
    differ share one cache without rebuilding each other's binaries.
    """
    digest = hashlib.sha256()
    for name in ("go.mod", "go.sum"):
        digest.update((wrapper.directory / name).read_bytes())
    return digest.hexdigest()[:12]


def _stamp(wrapper: WrapperModule, ldflags: str) -> str:
    digest = hashlib.sha256()
    for name in ("go.mod", "go.sum"):
        digest.update((wrapper.directory / name).read_bytes())
    digest.update(ldflags.encode())
    for program in wrapper.programs:
        digest.update(f"{program.package}={program.binary}".encode())
    return digest.hexdigest()


def is_built(wrapper: WrapperModule, bin_dir: Path, ldflags: str) -> bool:
    """Whether `bin_dir` holds every program, built from the current go.mod/go.sum/ldflags."""
    try:
        stamp = (bin_dir / STAMP_NAME).read_text()
    except FileNotFoundError:
        return False
    return stamp == _stamp(wrapper, ldflags) and all(
        (bin_dir / program.binary).is_file() for program in wrapper.programs
    )


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock, so concurrent provisioners build once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(
    wrapper: WrapperModule, bin_dir: Path, *, ldflags: str, label: str, force: bool = False
) -> bool:
    """Build the wrapper's programs into `bin_dir` unless already built; True if it built."""
    if not force and is_built(wrapper, bin_dir, ldflags):
        return False
    with _locked(bin_dir.parent / ".build.lock"):
        if not force and is_built(wrapper, bin_dir, ldflags):
            return False
        go = go_tool()
        staging = bin_dir.parent / f"{bin_dir.name}.building"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        # Static binaries, like upstream releases; -mod=readonly: go.mod and go.sum are the lock.
        env = {"CGO_ENABLED": "0", "GOFLAGS": "-mod=readonly -trimpath -buildvcs=false"}
        for program in wrapper.programs:
            print(
                f"{label}: building {program.binary} from {wrapper.directory} "
                "(several minutes when cold)",
                flush=True,
            )
            started = time.monotonic()
            run_checked(
                [
                    go,
                    "build",
                    "-ldflags",
                    ldflags,
                    "-o",
                    str(staging / program.binary),
                    program.package,
                ],
                what=f"go build {program.package}",
                env=env,
                cwd=wrapper.directory,
                timeout=3 * 3600,
            )
            print(
                f"{label}: built {program.binary} in {time.monotonic() - started:.0f}s", flush=True
            )
        bin_dir.mkdir(parents=True, exist_ok=True)
        (bin_dir / STAMP_NAME).unlink(missing_ok=True)
        for program in wrapper.programs:
            (staging / program.binary).replace(bin_dir / program.binary)
        (bin_dir / STAMP_NAME).write_text(_stamp(wrapper, ldflags))
        staging.rmdir()
    return True


def _staging_modules(go: str, wrapper: WrapperModule, version: str) -> dict[str, str]:
    """Staging module -> published version, from the root module's own go.mod."""
    info = json.loads(
        run_checked(
            [go, "mod", "download", "-json", f"{wrapper.root}@v{version}"],
            what=f"go mod download {wrapper.root}",
            cwd=wrapper.directory,
        )
    )
    root_mod = Path(info["GoMod"]).read_text()
    staged = re.findall(r"^\s*(\S+)\s+=>\s+\./staging/", root_mod, re.MULTILINE)
    published = "v0." + version.split(".", 1)[1]
    return dict.fromkeys(staged, published)


def repin(wrapper: WrapperModule, version: str) -> None:
    """Point the wrapper at `v<version>` of its root module and re-lock go.mod/go.sum."""
    go = go_tool()
    edits = [f"-require={wrapper.root}@v{version}"]
    if wrapper.staging_replaces:
        current = re.findall(r"^\s*(\S+)\s+=>\s+\S+\s+v\S+", wrapper.go_mod(), re.MULTILINE)
        wanted = _staging_modules(go, wrapper, version)
        edits += [f"-dropreplace={module}" for module in current if module not in wanted]
        edits += [f"-replace={module}={module}@{v}" for module, v in wanted.items()]
    run_checked([go, "mod", "edit", *edits], what="go mod edit", cwd=wrapper.directory)
    run_checked([go, "mod", "tidy"], what="go mod tidy", cwd=wrapper.directory)
    print(f"gobuild: {wrapper.directory.name} now pins {wrapper.root} v{version}", flush=True)
