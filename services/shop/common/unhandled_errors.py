"""The last line of defence: an unexpected exception becomes a logged, opaque 500 problem,
and an unreachable dependency a 503 with `Retry-After` (see `shop.common.outages`)."""

from __future__ import annotations

import logging

from opentelemetry import trace
from opentelemetry.trace import StatusCode
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shop.common.outages import unavailable_dependency
from shop.common.problems import problem_response

log = logging.getLogger("shop.http")
DEPENDENCY_UNAVAILABLE = "urn:shopkeeper:problem:dependency-unavailable"


def outage_response(dependency: str, path: str, retry_after_seconds: int) -> Response:
    """503: the request may succeed once `dependency` is back; nothing was changed."""
    return problem_response(
        503,
        instance=path,
        title="A dependency is unavailable",
        detail=f"The {dependency} is unreachable; retry in {retry_after_seconds} s.",
        type_uri=DEPENDENCY_UNAVAILABLE,
        headers={"Retry-After": str(retry_after_seconds)},
        extensions={"dependency": dependency},
    )


class UnhandledErrorMiddleware:
    """Turns an exception no handler took into a 500 problem naming only the trace id, or a
    503 when it means that the database or the broker is unreachable.

    It sits inside the metrics and request-id middleware, so the answer is counted and
    carries the request id; a 500's traceback goes to the log, never to the caller.
    """

    def __init__(self, app: ASGIApp, retry_after_seconds: int = 2) -> None:
        self.app = app
        self.retry_after_seconds = retry_after_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def send_tracking_start(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking_start)
        except Exception as exc:
            response = self._answer(exc, scope)
            if response_started:
                raise  # too late for a problem response; the server closes the connection
            await response(scope, receive, send)

    def _answer(self, exc: Exception, scope: Scope) -> Response:
        span = trace.get_current_span()
        span.record_exception(exc)
        span.set_status(StatusCode.ERROR, type(exc).__name__)
        where = {"http_method": scope["method"], "http_path": scope["path"]}
        dependency = unavailable_dependency(exc)
        if dependency is not None:
            log.warning(
                "%s unavailable in %s %s: %s: %s",
                dependency,
                scope["method"],
                scope["path"],
                type(exc).__name__,
                str(exc)[:200],
                extra={**where, "dependency": dependency},
            )
            return outage_response(dependency, scope["path"], self.retry_after_seconds)
        log.exception(
            "unhandled %s in %s %s", type(exc).__name__, scope["method"], scope["path"], extra=where
        )
        return problem_response(500, instance=scope["path"], detail="An unexpected error occurred.")
