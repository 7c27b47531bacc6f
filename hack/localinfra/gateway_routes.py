"""The shop's front door as Traefik dynamic configuration (file provider): pure, no I/O.

One origin serves everything: `/api/<context>/...` reaches that context's API unchanged (each
API serves under `/api/<context>`, ADR 0041, so its links keep the prefix), `/dex/...` reaches
the OIDC provider unchanged (its issuer lives there), and `/` the web app when there is one.
API routes get CORS, a rate limit per client address, and problem+json for the answers the
gateway makes itself (429, 502-504), fetched from an API's `/problems/{status}` so they carry a
request id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shop.common.front_door import cors, problem_pages, rate_limit
from shop.common.public_paths import API_PREFIX

DEX_PREFIX = "/dex"
# Outermost first: CORS answers preflights, the problem pages replace the rate limit's 429
# (an errors middleware sees only what the middlewares after it answer).
MIDDLEWARES = ("api-cors", "api-problems", "api-rate-limit")


@dataclass(frozen=True)
class GatewayOptions:
    """What the front door allows: browser origins beyond its own, and the rate per client."""

    cors_origins: tuple[str, ...] = ()
    requests_per_second: int = 100
    burst: int = 200


def _service(url: str) -> dict[str, Any]:
    return {"loadBalancer": {"servers": [{"url": url}], "passHostHeader": True}}


def _middlewares(options: GatewayOptions, problem_service: str) -> dict[str, Any]:
    return {
        "api-cors": {"headers": cors(options.cors_origins)},
        "api-rate-limit": {"rateLimit": rate_limit(options.requests_per_second, options.burst)},
        "api-problems": {"errors": problem_pages(problem_service)},
        "api-not-found": {"replacePath": {"path": "/problems/404"}},
    }


def gateway_config(
    apis: Mapping[str, str],
    *,
    dex_url: str | None = None,
    web_url: str | None = None,
    options: GatewayOptions | None = None,
    entrypoints: Sequence[str] = ("web",),
) -> dict[str, Any]:
    """Routers, middlewares and services for `apis` (context -> base URL of its API).

    With no API yet (the stack is starting), only `/dex` and the web app are routed.
    """
    routers: dict[str, Any] = {}
    services: dict[str, Any] = {}
    http: dict[str, Any] = {"routers": routers, "services": services}
    if apis:
        problem_service = f"api-{sorted(apis)[0]}"
        http["middlewares"] = _middlewares(options or GatewayOptions(), problem_service)
        _add_api_routes(routers, services, apis, list(entrypoints), problem_service)
    if dex_url:
        routers["dex"] = {
            "rule": f"PathPrefix(`{DEX_PREFIX}`)",
            "entryPoints": list(entrypoints),
            "service": "dex",
        }
        services["dex"] = _service(dex_url.removesuffix(DEX_PREFIX))
    if web_url:
        routers["web"] = {
            "rule": "PathPrefix(`/`)",
            "priority": 1,
            "entryPoints": list(entrypoints),
            "service": "web",
        }
        services["web"] = _service(web_url)
    return {"http": http}


def _add_api_routes(
    routers: dict[str, Any],
    services: dict[str, Any],
    apis: Mapping[str, str],
    entrypoints: list[str],
    problem_service: str,
) -> None:
    for context, url in sorted(apis.items()):
        routers[f"api-{context}"] = {
            "rule": f"Path(`{API_PREFIX}/{context}`) || PathPrefix(`{API_PREFIX}/{context}/`)",
            "entryPoints": entrypoints,
            "middlewares": list(MIDDLEWARES),
            "service": f"api-{context}",
        }
        services[f"api-{context}"] = _service(url)
    routers["api-unknown"] = {
        "rule": f"PathPrefix(`{API_PREFIX}`)",
        "priority": 2,
        "entryPoints": entrypoints,
        "middlewares": ["api-cors", "api-rate-limit", "api-not-found"],
        "service": problem_service,
    }
