"""starlark-check: go.starlark.net, the Starlark interpreter Tilt embeds, as a small command
(wrapper module `hack/gobuild/starlark`).

Tilt itself is not served by the Go module proxy, so the packaging tests check the Tiltfile with
the same parser and resolver Tilt uses, in Tilt's dialect, with Tilt's built-ins predeclared.
"""

from __future__ import annotations

from pathlib import Path

from localinfra.errors import MissingDependencyError
from localinfra.gobuild import GoProgram, WrapperModule, build, is_built
from localinfra.paths import cache_dir

WRAPPER = WrapperModule(
    name="starlark",
    root="go.starlark.net",
    programs=(GoProgram(".", "starlark-check"),),
)
LDFLAGS = "-s -w"


def bin_dir() -> Path:
    """Where the checker built against the pinned go.starlark.net lives."""
    return cache_dir() / f"starlark-check-{WRAPPER.required_version()}" / "bin"


def provision(force: bool = False) -> None:
    """Build starlark-check into the cache unless it is already there."""
    if build(WRAPPER, bin_dir(), ldflags=LDFLAGS, label="starlark", force=force):
        return
    print(f"starlark: starlark-check already built in {bin_dir()}", flush=True)


def starlark_check_binary() -> Path:
    """The provisioned starlark-check; raises MissingDependencyError when not built."""
    if not is_built(WRAPPER, bin_dir(), LDFLAGS):
        raise MissingDependencyError("starlark-check", "make deps")
    return bin_dir() / "starlark-check"
