"""The last line of defence: an unexpected exception becomes a logged, opaque 500 problem."""

from __future__ import annotations

import logging

from opentelemetry import trace
from opentelemetry.trace import StatusCode
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shop.common.problems import problem_response

log = logging.getLogger("shop.http")


class UnhandledErrorMiddleware:
    """Turns an exception no handler took into a 500 problem naming only the trace id.

    It sits inside the metrics and request-id middleware, so the 500 is counted and
    carries the request id; the traceback goes to the log, never to the caller.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

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
            span = trace.get_current_span()
            span.record_exception(exc)
            span.set_status(StatusCode.ERROR, type(exc).__name__)
            log.exception(
                "unhandled %s in %s %s",
                type(exc).__name__,
                scope["method"],
                scope["path"],
                extra={"http_method": scope["method"], "http_path": scope["path"]},
            )
            if response_started:
                raise  # too late for a problem response; the server closes the connection
            response = problem_response(
                500, instance=scope["path"], detail="An unexpected error occurred."
            )
            await response(scope, receive, send)
