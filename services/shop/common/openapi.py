"""OpenAPI that tells the truth about errors: problem+json for 422, 500, 503, declared statuses,
and 401/403 for the routes that need a token (their `security` requirement)."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI

from shop.common.problems import PROBLEM_MEDIA_TYPE, Problem, ValidationProblem

_SCHEMA_REF = "#/components/schemas/{model}"
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _problem_content(model: str) -> dict[str, Any]:
    return {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": _SCHEMA_REF.format(model=model)}}}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route that may answer these statuses with a problem.

    @router.get("/{product_id}", responses=problem_responses(404))
    """
    return {status: _problem_response(status) for status in statuses}


def _problem_response(status: int) -> dict[str, Any]:
    return {"description": HTTPStatus(status).phrase, "content": _problem_content("Problem")}


def _add_problem_schemas(schema: dict[str, Any]) -> None:
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (Problem, ValidationProblem):
        model_schema = model.model_json_schema(ref_template=_SCHEMA_REF)
        schemas.update(model_schema.pop("$defs", {}))
        schemas[model.__name__] = model_schema


_REFUSALS = {
    401: "No valid bearer token (missing, expired, wrongly signed, another audience)",
    403: "The token's caller may not do this",
}


def _refusals(security: list[dict[str, list[str]]]) -> tuple[int, ...]:
    """401 for any route that needs a token; 403 too when it needs a role or an owner."""
    if not security:
        return ()
    needs_role = any(scopes for requirement in security for scopes in requirement.values())
    return (401, 403) if needs_role else (401,)


def _rewrite_error_responses(schema: dict[str, Any]) -> None:
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            # Every operation may answer 422: the request guard refuses hostile text anywhere.
            responses["422"] = {
                "description": "Invalid input: every failing field is listed",
                "content": _problem_content("ValidationProblem"),
            }
            for status in _refusals(operation.get("security", [])):
                responses.setdefault(
                    str(status),
                    {"description": _REFUSALS[status], "content": _problem_content("Problem")},
                )
            responses.setdefault(
                "500",
                {"description": "Unexpected error", "content": _problem_content("Problem")},
            )
            for status in (413, 415) if "requestBody" in operation else ():
                responses.setdefault(str(status), _problem_response(status))
            responses.setdefault("414", _problem_response(414))
            responses.setdefault(
                "503",
                {
                    "description": "The database or the broker is unreachable: retry after "
                    "the `Retry-After` header's seconds",
                    "content": _problem_content("Problem"),
                },
            )
    text = repr(schema.get("paths", {}))
    schemas = schema.get("components", {}).get("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        if _SCHEMA_REF.format(model=name) not in text:
            schemas.pop(name, None)


def problem_aware_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """Wrap `app.openapi` so that the schema documents problem responses."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        _add_problem_schemas(schema)
        _rewrite_error_responses(schema)
        app.openapi_schema = schema
        return schema

    return openapi
