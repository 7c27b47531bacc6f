"""What `shop up` runs: for each context its migration, API, worker and (relay mode) relay,
and the web app's server (`storefront-web`) when there is a built web app.

In the `split` layout (the default, as Kubernetes deploys them) each of those is a process; in
the `combined` layout one process per context runs its API, worker and relay
(`shop run <context>-api+worker+relay`, shop.common.context_process): 6 processes instead of 17.

Pure: given the contexts, the outbox mode and the ports, it returns process specifications;
nothing is started here.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from shop.topology import CONTEXTS, TOPICS

LOOPBACK = "127.0.0.1"


class Kind(StrEnum):
    """A process's role; the supervisor stops them in the reverse of this order."""

    RELAY = "relay"
    WORKER = "worker"
    API = "api"
    WEB = "web"


STOREFRONT = "storefront"
"""The web app's server: not a bounded context, it owns no schema and calls the APIs only
through the browser (`shop run storefront-web`, shop.storefront)."""


class Layout(StrEnum):
    SPLIT = "split"
    COMBINED = "combined"


class OutboxMode(StrEnum):
    RELAY = "relay"
    DEBEZIUM = "debezium"


@dataclass(frozen=True)
class ProcessSpec:
    """One long-running process on a fixed loopback port: `shop run <context>-<kind>` unless
    `command` says otherwise."""

    context: str
    kind: Kind
    port: int
    command: tuple[str, ...] = ()
    also: tuple[Kind, ...] = ()
    """Roles it runs besides `kind` (the combined layout's API process: worker, relay)."""

    @property
    def name(self) -> str:
        return f"{self.context}-{'+'.join(kind.value for kind in self.kinds)}"

    @property
    def kinds(self) -> tuple[Kind, ...]:
        return (self.kind, *self.also)

    def runs(self, context: str, kind: Kind) -> bool:
        """Whether this process runs `context`'s `kind` (alone or combined)."""
        return self.context == context and kind in self.kinds

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def argv(self) -> list[str]:
        return list(self.command) or [sys.executable, "-m", "shop.cli", "run", self.name]


def migrate_argv(context: str) -> list[str]:
    """`shop migrate <context>`, run by this interpreter."""
    return [sys.executable, "-m", "shop.cli", "migrate", context]


def publishing_contexts() -> tuple[str, ...]:
    """Contexts whose outbox feeds a topic (reports publishes nothing: it needs no relay)."""
    owners = {topic.owner for topic in TOPICS}
    return tuple(context for context in CONTEXTS if context in owners)


def missing_entrypoints(contexts: Iterable[str] = CONTEXTS) -> dict[str, list[str]]:
    """Modules a context still lacks to be run (empty when every context is wired)."""
    missing: dict[str, list[str]] = {}
    for context in contexts:
        for module in (f"shop.{context}.entrypoints.api", f"shop.{context}.entrypoints.worker"):
            try:
                found = importlib.util.find_spec(module) is not None
            except ModuleNotFoundError:
                found = False
            if not found:
                missing.setdefault(context, []).append(module)
    return missing


def env_prefix(context: str, kind: Kind) -> str:
    """The settings prefix a process reads first (`SHOP_RELAY_` for relays)."""
    return "SHOP_RELAY_" if kind is Kind.RELAY else f"SHOP_{context.upper()}_"


def plan_processes(
    contexts: Iterable[str],
    outbox: OutboxMode,
    next_port: Callable[[], int],
    *,
    storefront: bool = False,
    layout: Layout = Layout.SPLIT,
) -> list[ProcessSpec]:
    """Every process of `contexts`, each with its own port: relays first, then workers, then
    APIs (`split`), or one per context (`combined`); the web app's server last with
    `storefront`."""
    chosen = list(contexts)
    unknown = sorted(set(chosen) - set(CONTEXTS))
    if unknown:
        raise ValueError(f"unknown contexts: {', '.join(unknown)} (known: {', '.join(CONTEXTS)})")
    relayed = (
        [c for c in chosen if c in publishing_contexts()] if outbox is OutboxMode.RELAY else []
    )
    specs: list[ProcessSpec] = []
    if layout is Layout.COMBINED:
        for c in chosen:
            also = (Kind.WORKER, Kind.RELAY) if c in relayed else (Kind.WORKER,)
            specs.append(ProcessSpec(c, Kind.API, next_port(), also=also))
    else:
        specs += [ProcessSpec(c, Kind.RELAY, next_port()) for c in relayed]
        specs += [
            ProcessSpec(c, kind, next_port()) for kind in (Kind.WORKER, Kind.API) for c in chosen
        ]
    if storefront:
        specs.append(ProcessSpec(STOREFRONT, Kind.WEB, next_port()))
    return specs


def process_env(spec: ProcessSpec, apis: Mapping[str, str]) -> dict[str, str]:
    """Variables that place a process on its port and link it to the APIs it calls."""
    prefix = env_prefix(spec.context, spec.kind)
    env = {
        "SHOP_HTTP_HOST": LOOPBACK,
        "SHOP_HTTP_PORT": str(spec.port),
        f"{prefix}HTTP_HOST": LOOPBACK,
        f"{prefix}HTTP_PORT": str(spec.port),
    }
    ordering_api = apis.get("ordering")
    if ordering_api and spec.context in ("basket", "notification"):
        env[f"SHOP_{spec.context.upper()}_ORDERING_URL"] = ordering_api
    return env
