"""RFC 9457 problem details (`application/problem+json`) for every error an API returns.

Validation errors become 422 with an `errors` list naming each field (`body.items[0].quantity`);
`HTTPException`s keep their status and headers; domain errors map to statuses by a registry
(most specific class wins); anything else is a 500 that names no internals but carries the
trace id, and is logged with its traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from opentelemetry import trace
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from shop.common.errors import ConflictError, DomainError, NotFoundError, RuleViolationError
from shop.common.request_id import current_request_id

PROBLEM_MEDIA_TYPE = "application/problem+json"
DOMAIN_PROBLEM_TYPE = "urn:shopkeeper:problem:{code}"
DEFAULT_ERROR_STATUSES: Mapping[type[DomainError], int] = {
    NotFoundError: 404,
    ConflictError: 409,
    RuleViolationError: 422,
}
log = logging.getLogger(__name__)


class Problem(BaseModel):
    """An RFC 9457 problem; `requestId` and `traceId` let a caller point at the logs."""

    model_config = ConfigDict(extra="allow")

    type: str = Field("about:blank", examples=["urn:shopkeeper:problem:not-found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str | None = Field(None, examples=["no product 5c1b..."])
    instance: str | None = Field(None, examples=["/products/5c1b..."])
    requestId: str | None = None  # noqa: N815 - wire name
    traceId: str | None = None  # noqa: N815 - wire name


class FieldError(BaseModel):
    """One invalid input: where it is, what is wrong, and pydantic's error type."""

    field: str = Field(examples=["body.items[0].quantity"])
    message: str = Field(examples=["Input should be greater than 0"])
    type: str = Field(examples=["greater_than"])


class ValidationProblem(Problem):
    """A 422 problem listing every invalid field."""

    errors: list[FieldError]


def field_path(location: Sequence[str | int]) -> str:
    """`("body", "items", 0, "quantity")` -> `body.items[0].quantity`."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def problem_response(
    status: int,
    *,
    instance: str | None = None,
    title: str | None = None,
    detail: str | None = None,
    type_uri: str = "about:blank",
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """A problem+json response; the title defaults to the status's reason phrase.

    `extensions` add members but never replace the standard ones (`status`, `type`...).
    """
    body: dict[str, Any] = {
        "type": type_uri,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    for key, value in (extensions or {}).items():
        body.setdefault(key, value)
    if request_id := current_request_id():
        body["requestId"] = request_id
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        body["traceId"] = format(context.trace_id, "032x")
    return JSONResponse(body, status, headers=dict(headers or {}), media_type=PROBLEM_MEDIA_TYPE)


def _field_error(error: Mapping[str, Any]) -> dict[str, str]:
    location = error.get("loc", ())
    if error.get("type") == "json_invalid":
        location = location[:1]  # the rest is a character offset, not a field
    return {"field": field_path(location), "message": str(error["msg"]), "type": error["type"]}


def install_problem_handlers(
    app: FastAPI, error_statuses: Mapping[type[DomainError], int] | None = None
) -> None:
    """Answer validation errors, HTTP exceptions and domain errors with problems."""
    statuses = {**DEFAULT_ERROR_STATUSES, **(error_statuses or {})}

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = [_field_error(error) for error in exc.errors()]
        noun = "field is" if len(errors) == 1 else "fields are"
        return problem_response(
            422,
            instance=request.url.path,
            detail=f"{len(errors)} {noun} invalid",
            extensions={"errors": errors},
        )

    async def on_http_exception(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        detail: str | None = exc.detail if isinstance(exc.detail, str) else None
        if detail == HTTPStatus(exc.status_code).phrase:
            detail = None
        if exc.status_code in (204, 304) or exc.status_code < 400:
            return Response(status_code=exc.status_code, headers=exc.headers)
        return problem_response(
            exc.status_code, instance=request.url.path, detail=detail, headers=exc.headers
        )

    async def on_domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        status = next((statuses[c] for c in type(exc).__mro__ if c in statuses), 422)
        extensions = dict(exc.extensions)
        if status == 422:  # every 422 is a ValidationProblem: it names what was refused
            extensions.setdefault(
                "errors", [{"field": "request", "message": exc.detail, "type": exc.code}]
            )
        return problem_response(
            status,
            instance=request.url.path,
            title=exc.title,
            detail=exc.detail,
            type_uri=DOMAIN_PROBLEM_TYPE.format(code=exc.code),
            extensions=extensions,
        )

    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_exception)
    app.add_exception_handler(DomainError, on_domain_error)
