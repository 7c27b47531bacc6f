"""`shop run <context>-api+worker[+relay]`: one context's API, worker and relay in one process.

A local layout only (`shop up --layout combined`): Kubernetes deploys the API, the worker and
the relay apart, and so does `shop up` by default. Here the context's API app is served as
`shop run <context>-api` serves it, and its process also wires the context's worker (its
consumer and other tasks) and, with `relay`, the outbox relay, as background tasks of the same
event loop. They share the API's engine, Prometheus registry and probes: `/livez` fails once
any of them crashed, `/metrics` has the API's, the consumer's and the relay's series.

The shared engine does not pre-ping pooled connections (as workers' do not): after a database
restart a request may meet a dropped connection once and answer 503 with `Retry-After`
(`shop.common.outages`); consumers and the relay retry on their own.

Each context follows the same names: `shop.<context>.settings` holds its
`ContextProcessSettings` subclass, `shop.<context>.entrypoints.api.create_<context>_app(settings)`
builds its API, `shop.<context>.entrypoints.worker.context_worker(settings)` its worker.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

from fastapi import FastAPI

from shop.common.context_worker import ContextWorker
from shop.common.outbox import require_schema_name
from shop.common.process import ProcessContext
from shop.common.process_settings import ContextProcessSettings
from shop.common.relay.process import relay_settings, relay_task
from shop.common.server import run_process
from shop.common.worker import tasks_hook


class Role(StrEnum):
    """What a context process runs; the API always, as the process's server."""

    API = "api"
    WORKER = "worker"
    RELAY = "relay"


def parse_roles(text: str) -> frozenset[Role]:
    """`api+worker+relay` -> its roles; the API must be among them, each role once."""
    names = text.split("+")
    try:
        roles = [Role(name) for name in names]
    except ValueError:
        raise ValueError(f"{text!r}: roles are api, worker and relay, joined by '+'") from None
    if Role.API not in roles or len(set(roles)) != len(roles):
        raise ValueError(f"{text!r}: a combined process runs the api, and each role once")
    return frozenset(roles)


def process_name(context: str, roles: Iterable[Role]) -> str:
    """`ordering-api+worker+relay`: the roles in the order api, worker, relay."""
    chosen = set(roles)
    return f"{context}-{'+'.join(role.value for role in Role if role in chosen)}"


def settings_class(context: str) -> type[ContextProcessSettings]:
    """The context's settings class, from `shop.<context>.settings`."""
    module = importlib.import_module(f"shop.{context}.settings")
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, ContextProcessSettings)
            and getattr(value, "context", None) == context
        ):
            return value
    raise LookupError(f"shop.{context}.settings has no ContextProcessSettings for {context!r}")


def _entry(context: str, kind: str, name: str) -> Callable[..., Any]:
    module = importlib.import_module(f"shop.{context}.entrypoints.{kind}")
    entry = getattr(module, name, None)
    if not callable(entry):
        raise LookupError(f"shop.{context}.entrypoints.{kind} has no {name}()")
    return entry  # type: ignore[no-any-return]


def create_context_app(context: str, roles: frozenset[Role]) -> FastAPI:
    """The context's API app, its process also running the worker and relay of `roles`."""
    settings = settings_class(context)(service_name=process_name(context, roles))
    app: FastAPI = _entry(context, "api", f"create_{context}_app")(settings)
    process: ProcessContext = app.state.process
    process.ping_connections = False  # the worker's engine: see the module's docstring
    if Role.WORKER in roles:
        worker: ContextWorker = _entry(context, "worker", "context_worker")(settings)
        process.add_lifespan_hook(worker.lifespan_hook(process.registry))
    if Role.RELAY in roles:
        schema = require_schema_name(context)
        task = relay_task(schema, relay_settings(schema), process.registry)
        process.add_lifespan_hook(tasks_hook({"outbox-relay": task}))
    return app


def run_context_process(context: str, roles: frozenset[Role]) -> int:
    """Serve the context's API with the worker and relay of `roles` until SIGTERM/SIGINT."""
    return run_process(create_context_app(context, roles))
