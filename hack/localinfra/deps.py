"""`make deps`: provision every component, idempotently, into the cache."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from localinfra import (
    helm,
    kafka,
    kube_provision,
    kustomize,
    postgres,
    promql,
    promtool,
    starlark,
    upstream_crds,
)
from localinfra.errors import InfraError
from localinfra.paths import cache_dir

PROVISIONERS: dict[str, Callable[[bool], None]] = {
    "postgres": postgres.provision,
    "kafka": kafka.provision,
    "kube": kube_provision.provision,
    "crds": upstream_crds.provision,
    "helm": helm.provision,
    "kustomize": kustomize.provision,
    "promql": promql.provision,
    "starlark": starlark.provision,
    "promtool": promtool.provision,
}


def provision(components: Sequence[str] = (), *, force: bool = False) -> None:
    """Provision the named components (all when none are named), printing progress."""
    names = list(components) or list(PROVISIONERS)
    unknown = [name for name in names if name not in PROVISIONERS]
    if unknown:
        raise InfraError(f"unknown component(s) {unknown}; known: {sorted(PROVISIONERS)}")
    print(f"deps: provisioning {', '.join(names)} into {cache_dir()}", flush=True)
    started = time.monotonic()
    for index, name in enumerate(names, start=1):
        step = time.monotonic()
        print(f"deps: [{index}/{len(names)}] {name}", flush=True)
        PROVISIONERS[name](force)
        print(
            f"deps: [{index}/{len(names)}] {name} done in {time.monotonic() - step:.1f}s",
            flush=True,
        )
    print(f"deps: all done in {time.monotonic() - started:.1f}s", flush=True)
