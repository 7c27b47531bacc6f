"""Request ids: taken from `X-Request-ID` when sane, generated otherwise, echoed on the response.

The id is bound to a context variable for the request's duration, so logs and problem
responses can carry it without passing it around.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
_request_id: ContextVar[str | None] = ContextVar("shop_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being handled in this context, if any."""
    return _request_id.get()


def request_id_from(headers: Headers) -> str:
    """The caller's request id if it is a short token, else a fresh one (never trust junk)."""
    candidate = headers.get(REQUEST_ID_HEADER, "")
    if _SANE_REQUEST_ID.fullmatch(candidate):
        return candidate
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Binds the request id for the request and sets it on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(Headers(scope=scope))
        token = _request_id.set(request_id)

        async def send_with_request_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            _request_id.reset(token)
