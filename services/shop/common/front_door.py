"""What the shop's front door (Traefik) adds to the API routes, wherever it runs: CORS, a rate
limit per client address, and problem+json for the answers the gateway makes itself.

The options are Traefik's Headers, RateLimit and Errors middlewares, shared by the local
gateway's file provider (`localinfra.gateway_routes`) and the operator's Middleware objects
(`shopkeeper.builders.front_door`): both spell these options alike. Pure, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

CORS_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID", "X-Request-ID")
EXPOSED_HEADERS = ("Location", "X-Request-ID", "Retry-After")
GATEWAY_ERROR_STATUSES = ("429", "502-504")
PROBLEM_QUERY = "/problems/{status}"
"""An API's page of each status the gateway answers itself (`shop.common.gateway_problems`)."""


def cors(origins: Sequence[str]) -> dict[str, Any]:
    """Traefik's `headers` middleware: browsers on `origins` may call the APIs."""
    return {
        "accessControlAllowOriginList": list(origins),
        "accessControlAllowMethods": ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        "accessControlAllowHeaders": list(CORS_HEADERS),
        "accessControlExposeHeaders": list(EXPOSED_HEADERS),
        "accessControlAllowCredentials": False,
        "accessControlMaxAge": 600,
        "addVaryHeader": True,
    }


def rate_limit(requests_per_second: int, burst: int) -> dict[str, Any]:
    """Traefik's `rateLimit` middleware: per client address (the connection's, depth 0)."""
    return {
        "average": requests_per_second,
        "burst": burst,
        "period": "1s",
        "sourceCriterion": {"ipStrategy": {"depth": 0}},
    }


def problem_pages(service: Any) -> dict[str, Any]:
    """Traefik's `errors` middleware: the gateway's own 429 and 502-504 replaced by `service`'s
    problem+json page (a file-provider service name, or a Kubernetes Service reference)."""
    return {"status": list(GATEWAY_ERROR_STATUSES), "service": service, "query": PROBLEM_QUERY}
