"""Traefik Middlewares of the exposure's API routes (`exposure.traefik`): CORS, a rate limit per
client address, and the APIs' problem+json for the answers Traefik makes itself (429, 502-504),
with the same options as the local front door (`shop.common.front_door`, ADR 0043).

The HTTPRoute references them from its API rules (ExtensionRef filters, same namespace); the
Ingress from Traefik's `router.middlewares` annotation (`<namespace>-<name>@kubernetescrd`).
"""

from __future__ import annotations

from shop.common.front_door import cors, problem_pages, rate_limit
from shopkeeper import kinds, naming
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import metadata
from shopkeeper.builders.workloads import SERVICE_PORT

INGRESS_MIDDLEWARES_ANNOTATION = "traefik.ingress.kubernetes.io/router.middlewares"
PROBLEM_CONTEXT = "catalog"
"""The API whose `/problems/{status}` pages answer for the gateway (every API serves them)."""


def middleware_names(inp: BuildInput) -> list[str]:
    """The Middlewares in the order Traefik runs them, outermost first: CORS (a preflight is
    answered before the rate limit counts it), the problem pages (an errors middleware sees only
    what the middlewares after it answer: the rate limit's 429), then the rate limit."""
    if not inp.spec.exposure.traefik.enabled:
        return []
    return [f"{inp.name}-api-{part}" for part in ("cors", "problems", "rate-limit")]


def build_front_door(inp: BuildInput) -> list[Manifest]:
    """The three Middlewares, when the exposure asks for them."""
    names = middleware_names(inp)
    if not names:
        return []
    settings = inp.spec.exposure.traefik
    problem_service = {
        "name": naming.workload(inp.name, PROBLEM_CONTEXT, "api"),
        "port": SERVICE_PORT,
    }
    specs = [
        {"headers": cors(settings.cors_origins)},
        {"errors": problem_pages(problem_service)},
        {"rateLimit": rate_limit(settings.requests_per_second, settings.burst)},
    ]
    return [
        {
            "apiVersion": kinds.TRAEFIK_MIDDLEWARE.api_version,
            "kind": kinds.TRAEFIK_MIDDLEWARE.kind,
            "metadata": metadata(inp, kinds.TRAEFIK_MIDDLEWARE, name, component="exposure"),
            "spec": spec,
        }
        for name, spec in zip(names, specs, strict=True)
    ]


def route_filters(inp: BuildInput) -> list[dict[str, object]]:
    """ExtensionRef filters of an HTTPRoute rule to an API."""
    return [
        {
            "type": "ExtensionRef",
            "extensionRef": {
                "group": kinds.TRAEFIK_MIDDLEWARE.group,
                "kind": kinds.TRAEFIK_MIDDLEWARE.kind,
                "name": name,
            },
        }
        for name in middleware_names(inp)
    ]


def ingress_annotations(inp: BuildInput) -> dict[str, str]:
    """Traefik's annotation naming the Middlewares (it applies to every path of the Ingress)."""
    names = middleware_names(inp)
    if not names:
        return {}
    refs = ",".join(f"{inp.namespace}-{name}@kubernetescrd" for name in names)
    return {INGRESS_MIDDLEWARES_ANNOTATION: refs}
