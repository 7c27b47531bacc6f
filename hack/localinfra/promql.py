"""promql-check: Prometheus' own PromQL parser as a small command (wrapper `hack/gobuild/promql`).

The packaging tests parse every dashboard query and alert expression with it, so a PromQL syntax
error fails a test instead of an empty Grafana panel or a rejected PrometheusRule.
"""

from __future__ import annotations

from pathlib import Path

from localinfra.errors import MissingDependencyError
from localinfra.gobuild import GoProgram, WrapperModule, build, is_built
from localinfra.paths import cache_dir

WRAPPER = WrapperModule(
    name="promql",
    root="github.com/prometheus/prometheus",
    programs=(GoProgram(".", "promql-check"),),
)
LDFLAGS = "-s -w"


def bin_dir() -> Path:
    """Where the checker built against the pinned Prometheus (go.mod of the wrapper) lives."""
    return cache_dir() / f"promql-check-{WRAPPER.required_version()}" / "bin"


def provision(force: bool = False) -> None:
    """Build promql-check into the cache unless it is already there."""
    if build(WRAPPER, bin_dir(), ldflags=LDFLAGS, label="promql", force=force):
        return
    print(
        f"promql: promql-check ({WRAPPER.required_version()}) already built in {bin_dir()}",
        flush=True,
    )


def promql_check_binary() -> Path:
    """The provisioned promql-check; raises MissingDependencyError when not built."""
    if not is_built(WRAPPER, bin_dir(), LDFLAGS):
        raise MissingDependencyError("promql-check", "make deps")
    return bin_dir() / "promql-check"
