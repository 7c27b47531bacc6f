"""`/problems/{status}`: the problem+json the front door answers with for errors it makes itself.

The gateway (Traefik's errors middleware) fetches this page for a rate-limited request or an
unreachable API, so every answer through it is problem+json and carries a request id.
"""

from __future__ import annotations

from http import HTTPStatus

from fastapi import APIRouter, Path
from starlette.responses import JSONResponse

from shop.common.problems import problem_response

GATEWAY_DETAILS = {
    404: "no API serves this path",
    429: "too many requests from this client; retry later",
    502: "the API behind the gateway did not answer",
    503: "the API behind the gateway is unavailable",
    504: "the API behind the gateway did not answer in time",
}


def gateway_problems_router() -> APIRouter:
    """The problem page of each error status, kept out of the OpenAPI schema."""
    router = APIRouter(include_in_schema=False)

    @router.get("/problems/{status}")
    async def problem(status: int = Path(ge=400, le=599)) -> JSONResponse:
        try:
            HTTPStatus(status)
        except ValueError:
            status = 500
        return problem_response(status, detail=GATEWAY_DETAILS.get(status))

    return router
