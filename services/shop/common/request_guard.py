"""Hostile input is refused before any route sees it, with a problem and nothing stored.

Every API checks each request the same way:
- a body over `max_body_bytes` is a 413, a query string over `max_query_bytes` a 414;
- a body that is not `application/json` (or `+json`) is a 415, one that is not UTF-8 a 422;
- JSON nested deeper than `max_json_depth` is a 422 (it is refused before it is parsed);
- text that no name, note or identifier needs is a 422 wherever it appears (path, query,
  JSON keys and strings): NUL and other control characters but tab and newlines, lone UTF-16
  surrogates, and the bidirectional controls that make text read differently than it is
  stored (U+061C, U+200E/F, U+202A-E, U+2066-9: "Trojan Source");
- a path segment `.` or `..` (after percent-decoding), a backslash or an encoded slash in the
  path is a 422: no name may be or hold one.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shop.common.problems import problem_response

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
ALLOWED_CONTROLS = frozenset("\t\n\r")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
HOSTILE_INPUT = "urn:shopkeeper:problem:{code}"


@dataclass(frozen=True)
class RequestLimits:
    max_body_bytes: int = 64 * 1024
    max_query_bytes: int = 4096
    max_json_depth: int = 32


class RefusedError(Exception):
    """Why a request is refused, as a problem."""

    def __init__(self, status: int, code: str, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.field = status, code, detail, field

    def response(self, path: str) -> Response:
        extensions: dict[str, Any] = {}
        if self.status == 422:  # documented as a ValidationProblem: name the field
            extensions["errors"] = [
                {"field": self.field or "body", "message": self.detail, "type": self.code}
            ]
        return problem_response(
            self.status,
            instance=path,
            detail=self.detail,
            type_uri=HOSTILE_INPUT.format(code=self.code),
            extensions=extensions,
        )


def forbidden_character(text: str) -> str | None:
    """A description of the first character no input may hold, or None."""
    for index, char in enumerate(text):
        if char in BIDI_CONTROLS:
            return f"bidirectional control U+{ord(char):04X} at {index}"
        category = unicodedata.category(char)
        if category == "Cs":
            return f"lone surrogate U+{ord(char):04X} at {index}"
        if category == "Cc" and char not in ALLOWED_CONTROLS:
            return f"control character U+{ord(char):04X} at {index}"
    return None


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit` (strings are skipped)."""
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _texts(value: object, where: str) -> Iterator[tuple[str, str]]:
    """Every key and string in a decoded JSON document, with its field path."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{where}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield where, key
            yield from _texts(item, f"{where}.{key}")


def _refuse_text(field: str, text: str) -> None:
    if (problem := forbidden_character(text)) is not None:
        raise RefusedError(422, "forbidden-character", f"{field} holds a {problem}", field)


def check_target(scope: Scope, limits: RequestLimits) -> None:
    """Refuse a hostile path or query string."""
    path: str = scope["path"]
    _refuse_text("path", path)
    raw = bytes(scope.get("raw_path") or path.encode()).lower()
    if any(segment in (".", "..") for segment in path.split("/")):
        raise RefusedError(422, "path-traversal", "a path segment may not be . or ..", "path")
    if "\\" in path or b"%2f" in raw or b"%5c" in raw:
        raise RefusedError(422, "path-traversal", "a name may not hold / or \\", "path")
    query: bytes = scope.get("query_string", b"")
    if len(query) > limits.max_query_bytes:
        raise RefusedError(
            414, "query-too-long", f"the query string exceeds {limits.max_query_bytes} bytes"
        )
    text = query.decode("utf-8", "surrogateescape")  # invalid UTF-8 shows as surrogates
    for name, value in parse_qsl(text, keep_blank_values=True, errors="surrogateescape"):
        _refuse_text(f"query.{name}", name + value)


def check_body(body: bytes, headers: Headers, limits: RequestLimits) -> None:
    """Refuse a hostile body (its size is checked while it is read)."""
    if not body:
        return
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise RefusedError(
            415, "unsupported-media-type", f"send application/json, not {media_type or 'nothing'}"
        )
    if json_depth_exceeds(body, limits.max_json_depth):
        raise RefusedError(
            422, "json-too-deep", f"JSON may nest at most {limits.max_json_depth} levels"
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RefusedError(
            422, "invalid-encoding", f"the body is not UTF-8 (byte {err.start})"
        ) from None
    try:
        document = json.loads(text)
    except ValueError:
        return  # the route answers invalid JSON with its usual validation problem
    for field, text in _texts(document, "body"):
        _refuse_text(field, text)


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, list[Message]]:
    chunks: list[bytes] = []
    messages: list[Message] = []
    size, more = 0, True
    while more:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise RefusedError(413, "body-too-large", f"the body exceeds {limit} bytes")
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks), messages


class RequestGuardMiddleware:
    """Applies the checks above to every HTTP request before the app sees it."""

    def __init__(self, app: ASGIApp, limits: RequestLimits | None = None) -> None:
        self.app = app
        self.limits = limits or RequestLimits()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            check_target(scope, self.limits)
            if scope["method"] in BODY_METHODS:
                receive = await self._checked_body(scope, receive)
        except RefusedError as refused:
            await refused.response(scope["path"])(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _checked_body(self, scope: Scope, receive: Receive) -> Receive:
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limits.max_body_bytes:
            raise RefusedError(
                413, "body-too-large", f"the body exceeds {self.limits.max_body_bytes} bytes"
            )
        body, messages = await _read_body(receive, self.limits.max_body_bytes)
        check_body(body, headers, self.limits)
        replay: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
        replay += [m for m in messages if m["type"] != "http.request"]

        async def replayed() -> Message:
            return replay.pop(0) if replay else await receive()

        return replayed
