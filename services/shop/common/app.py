"""The FastAPI app factory every shop API (and every worker's probe server) is built with.

    app = create_app(
        title="Shopkeeper payment",
        settings=PaymentSettings(service_name="payment-api"),
        routers=[router],                     # shop.payment.entrypoints.routes
        lifespan_hooks=[wire],                # see shop.common.process
        error_statuses={SomeDomainError: 409},  # beyond the statuses of shop.common.errors
    )

It serves `/livez`, `/readyz` (database, Kafka and the hooks' checks, by name) and `/metrics`,
serves every route under `public_prefix` and `/api<public_prefix>` too (the context's paths on
the shop's host, so the exposure and the gateway route `/<context>/...` and
`/api/<context>/...` to it unchanged), answers every error with problem+json
(503 with `Retry-After` while the database or the broker is unreachable: `shop.common.outages`),
refuses hostile input before any route (`shop.common.request_guard`),
measures HTTP RED metrics by route template and tags each request with an `X-Request-ID`.
Nothing is connected until the lifespan starts. `sys.exit(run_api(app))` serves it until
SIGTERM/SIGINT.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, MutableMapping, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.telemetry import TelemetryConfig
from prometheus_client import CollectorRegistry
from starlette.routing import Router

from shop.common.auth.settings import AuthSettings
from shop.common.auth.wiring import token_checks
from shop.common.errors import DomainError
from shop.common.gateway_problems import gateway_problems_router
from shop.common.health import run_readiness_checks
from shop.common.metrics_http import (
    HttpMetrics,
    HttpMetricsMiddleware,
    metrics_response,
    new_registry,
)
from shop.common.openapi import problem_aware_openapi
from shop.common.problems import install_problem_handlers
from shop.common.process import LifespanHook, ProcessContext
from shop.common.public_paths import served_prefixes
from shop.common.request_guard import RequestGuardMiddleware
from shop.common.request_id import RequestIdMiddleware
from shop.common.server import run_api
from shop.common.settings import ServiceSettings
from shop.common.unhandled_errors import UnhandledErrorMiddleware

__all__ = ["ProcessDep", "create_app", "get_process", "run_api"]

PROBE_PATHS = frozenset({"/livez", "/readyz", "/metrics"})
_TELEMETRY_OFF: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}
"""FastAPI's native telemetry with the SDK disabled: nothing to record, nothing to look up."""


def get_process(request: Request) -> ProcessContext:
    """The running process's context (engine, state, checks) for a route."""
    process: ProcessContext = request.app.state.process
    return process


async def _process_dependency(request: Request) -> ProcessContext:
    """`get_process` as a coroutine: FastAPI runs a plain function in its thread pool."""
    process: ProcessContext = request.app.state.process
    return process


ProcessDep = Annotated[ProcessContext, Depends(_process_dependency)]


def probes_router(process: ProcessContext) -> APIRouter:
    """`/livez`, `/readyz` and `/metrics`, kept out of the OpenAPI schema."""
    router = APIRouter(include_in_schema=False)

    @router.get("/livez")
    async def livez() -> JSONResponse:
        failures = process.liveness_failures()
        if failures:
            return JSONResponse({"status": "fail", "failures": failures}, status_code=503)
        return JSONResponse({"status": "ok"})

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        if process.phase != "running":
            return JSONResponse({"status": process.phase, "checks": {}}, status_code=503)
        outcomes = await run_readiness_checks(
            process.readiness_checks, process.settings.readiness_timeout_seconds
        )
        ready = all(outcome.ok for outcome in outcomes.values())
        body = {
            "status": "ok" if ready else "fail",
            "checks": {name: outcome.as_json() for name, outcome in outcomes.items()},
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get("/metrics")
    async def metrics(request: Request) -> Response:
        return metrics_response(request, process.registry)

    return router


def _is_probe(scope: MutableMapping[str, Any]) -> bool:
    return scope.get("path") in PROBE_PATHS


def create_app(
    *,
    title: str,
    settings: ServiceSettings,
    routers: Sequence[APIRouter] = (),
    lifespan_hooks: Sequence[LifespanHook] = (),
    error_statuses: Mapping[type[DomainError], int] | None = None,
    registry: CollectorRegistry | None = None,
    version: str = "0.1.0",
    description: str = "",
    openapi_tags: list[dict[str, Any]] | None = None,
    docs: bool = True,
    ping_connections: bool = True,
    public_prefix: str | None = None,
    auth: AuthSettings | None = None,
) -> FastAPI:
    """Build an app whose lifespan opens (and closes) the process's resources.

    `registry` is the process's Prometheus registry (a fresh one with process metrics if not
    given); pass the same one to every component that defines metrics. `ping_connections`:
    see `ProcessContext`. `public_prefix` (`shop.common.public_paths.public_prefix(context)`)
    mounts every route under it and under `/api<prefix>` as well. `auth` (an API's;
    `AuthSettings.from_env()`) checks the bearer tokens of the routes that declare an access
    (`shop.common.auth.dependencies`).
    """
    registry = registry or new_registry()
    process = ProcessContext(settings, registry, ping_connections=ping_connections)

    hooks = [*([token_checks(auth)] if auth is not None else []), *lifespan_hooks]

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await process.start(hooks)
        try:
            yield
        finally:
            await process.stop()

    app = FastAPI(
        title=title,
        version=version,
        description=description,
        openapi_tags=openapi_tags,
        lifespan=lifespan,
        openapi_url="/openapi.json" if docs else None,
        # Native OpenTelemetry: active once a tracer provider is set; probes are not traced.
        # With the SDK disabled, off: no request then asks for the global providers.
        telemetry={
            "exclude": _is_probe,
            "operation_spans": False,
            "auto_configure": False,
            **(_TELEMETRY_OFF if settings.otel_sdk_disabled else {}),
        },
    )
    app.state.process = process
    install_problem_handlers(app, error_statuses)
    app.include_router(probes_router(process))
    app.include_router(gateway_problems_router())
    for router in routers:
        app.include_router(router)
    if public_prefix:
        # The same route objects, so metrics keep one route template per route.
        routes = list(app.router.routes)
        for prefix in served_prefixes(public_prefix):
            app.mount(prefix, Router(routes=routes))
    # Added innermost first: request id, then metrics, wrap the error handler and the guard.
    app.add_middleware(RequestGuardMiddleware)
    app.add_middleware(
        UnhandledErrorMiddleware, retry_after_seconds=settings.outage_retry_after_seconds
    )
    app.add_middleware(HttpMetricsMiddleware, metrics=HttpMetrics(process.registry))
    app.add_middleware(RequestIdMiddleware)
    app.openapi = problem_aware_openapi(app)  # type: ignore[method-assign]
    return app
