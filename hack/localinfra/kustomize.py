"""kustomize, built from the Go module proxy (wrapper module `hack/gobuild/kustomize`).

`k8s/` is plain kustomize; the packaging tests build every overlay with this binary rather than
relying on a `kubectl` that a fresh machine may not have.
"""

from __future__ import annotations

from pathlib import Path

from localinfra.errors import MissingDependencyError
from localinfra.gobuild import GoProgram, WrapperModule, build, is_built
from localinfra.paths import cache_dir

WRAPPER = WrapperModule(
    name="kustomize",
    root="sigs.k8s.io/kustomize/kustomize/v5",
    programs=(GoProgram("sigs.k8s.io/kustomize/kustomize/v5", "kustomize"),),
)
LDFLAGS = "-s -w"


def bin_dir() -> Path:
    """Where the binary of the pinned version (go.mod of the wrapper) lives."""
    return cache_dir() / f"kustomize-{WRAPPER.required_version()}" / "bin"


def provision(force: bool = False) -> None:
    """Build kustomize into the cache unless the pinned version is already there."""
    if build(WRAPPER, bin_dir(), ldflags=LDFLAGS, label="kustomize", force=force):
        return
    print(f"kustomize: {WRAPPER.required_version()} already built in {bin_dir()}", flush=True)


def kustomize_binary() -> Path:
    """The provisioned kustomize binary; raises MissingDependencyError when not built."""
    if not is_built(WRAPPER, bin_dir(), LDFLAGS):
        raise MissingDependencyError("kustomize", "make deps")
    return bin_dir() / "kustomize"
