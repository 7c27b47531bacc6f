"""HTTP RED metrics and the Prometheus exposition every shop process serves on `/metrics`.

Each process owns one `CollectorRegistry` (made by `new_registry()` at bootstrap and handed to
whatever defines metrics); nothing registers into prometheus_client's global registry, so tests
can build many apps in one interpreter.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from fastapi.routing import iter_route_contexts
from opentelemetry import trace
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.exposition import choose_encoder
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("shop.http.access")
UNMATCHED_ROUTE = "<unmatched>"
PROBE_ROUTES = frozenset({"/livez", "/readyz", "/metrics"})
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def new_registry() -> CollectorRegistry:
    """A registry with the standard process, platform and garbage-collector metrics."""
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    return registry


class HttpMetrics:
    """`shop_http_*`: requests by method, route template and status; durations; in flight."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "shop_http_requests",
            "HTTP requests handled, by method, route template and status code.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.duration = Histogram(
            "shop_http_request_duration_seconds",
            "Time from receiving an HTTP request to sending the last byte of its response.",
            ["method", "route"],
            buckets=DURATION_BUCKETS,
            registry=registry,
        )
        self.in_flight = Gauge(
            "shop_http_requests_in_flight",
            "HTTP requests being handled right now.",
            registry=registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Record one finished request (with the current trace as exemplar, if any)."""
        method = method if method in KNOWN_METHODS else "OTHER"  # bounded label values
        self.requests.labels(method, route, str(status)).inc()
        context = trace.get_current_span().get_span_context()
        exemplar = {"trace_id": format(context.trace_id, "032x")} if context.is_valid else None
        self.duration.labels(method, route).observe(seconds, exemplar=exemplar)


class RouteTemplates:
    """Resolves the matched route of a request to its full template (`/orders/{order_id}`).

    FastAPI leaves the route as declared in its router in `scope["route"]`, without the
    prefixes of `include_router`; the full templates come from the app's route contexts.
    """

    def __init__(self) -> None:
        self._templates: dict[int, str] = {}

    def template(self, scope: Scope) -> str:
        route = scope.get("route")
        if not isinstance(route, BaseRoute):
            return UNMATCHED_ROUTE
        if id(route) not in self._templates:
            self._index(scope["app"].routes)
        return self._templates.get(id(route), getattr(route, "path", UNMATCHED_ROUTE))

    def _index(self, routes: Iterable[BaseRoute]) -> None:
        for context in iter_route_contexts(list(routes)):
            if context.path is not None:
                self._templates.setdefault(id(context.original_route), context.path)


class HttpMetricsMiddleware:
    """Measures and logs every HTTP request; sits outside the error handlers so 500s count.

    The access log line is INFO, except for probes (DEBUG), with the route template.
    """

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = RouteTemplates()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_recording_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send_recording_status)
        finally:
            self.metrics.in_flight.dec()
            elapsed = time.perf_counter() - started
            route = self.routes.template(scope)
            self.metrics.observe(scope["method"], route, status, elapsed)
            access_log.log(
                logging.DEBUG if route in PROBE_ROUTES else logging.INFO,
                "%s %s %d",
                scope["method"],
                scope["path"],
                status,
                extra={"http_route": route, "http_status": status, "duration_ms": elapsed * 1000},
            )


def metrics_response(request: Request, registry: CollectorRegistry) -> Response:
    """The registry in the format the scraper asked for (OpenMetrics carries exemplars); only
    the samples named by `name[]` query parameters if there are any (as prometheus_client's
    own exposition does), which collects only their collectors."""
    encoder, content_type = choose_encoder(request.headers.get("accept", ""))
    names = request.query_params.getlist("name[]")
    chosen = registry.restricted_registry(names) if names else registry
    return Response(encoder(chosen), media_type=content_type)
