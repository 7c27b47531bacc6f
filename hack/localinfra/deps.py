"""`make deps` and the other targets' needs: provision components, idempotently, into the cache.

Each make target names the components it needs (`python -m localinfra deps --for TARGET NAME...`);
no names means every component. Adding a component is one line in `PROVISIONERS`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from localinfra import (
    dex,
    helm,
    kafka,
    kube_provision,
    kustomize,
    netpol,
    node_provision,
    postgres,
    prometheus_package,
    promql,
    redis_server,
    starlark,
    traefik,
    upstream_crds,
    webapp,
)
from localinfra.errors import InfraError
from localinfra.paths import cache_dir

PROVISIONERS: dict[str, Callable[[bool], None]] = {
    "postgres": postgres.provision,
    "kafka": kafka.provision,
    "debezium": kafka.provision_debezium,
    "kube": kube_provision.provision,
    "helm": helm.provision,
    "kustomize": kustomize.provision,
    "promql": promql.provision,
    "starlark": starlark.provision,
    "prometheus": prometheus_package.provision,
    "node": node_provision.provision,
    "netpol": netpol.provision,
    "crds": upstream_crds.provision,
    "traefik": traefik.provision,
    "dex": dex.provision,
    "web": webapp.provision,
    "chromium": webapp.provision_chromium,
    "redis": redis_server.provision,
}


def provision(
    components: Sequence[str] = (), *, force: bool = False, needed_by: str = "make deps"
) -> None:
    """Provision the named components (all when none are named), saying what and why."""
    names = list(dict.fromkeys(components)) or list(PROVISIONERS)
    unknown = [name for name in names if name not in PROVISIONERS]
    if unknown:
        raise InfraError(f"unknown component(s) {unknown}; known: {sorted(PROVISIONERS)}")
    print(f"deps: {plan_line(names, needed_by)} (cache: {cache_dir()})", flush=True)
    started = time.monotonic()
    for index, name in enumerate(names, start=1):
        step = time.monotonic()
        print(f"deps: [{index}/{len(names)}] {name}, for {needed_by}", flush=True)
        PROVISIONERS[name](force)
        print(
            f"deps: [{index}/{len(names)}] {name} done in {time.monotonic() - step:.1f}s",
            flush=True,
        )
    print(f"deps: all done in {time.monotonic() - started:.1f}s", flush=True)


def plan_line(names: Sequence[str], needed_by: str) -> str:
    """`make up needs postgres, kafka; not fetched: kube, helm, ...` (the first progress line)."""
    skipped = [name for name in PROVISIONERS if name not in names]
    line = f"{needed_by} needs {', '.join(names)}"
    return f"{line}; not fetched: {', '.join(skipped)}" if skipped else line
