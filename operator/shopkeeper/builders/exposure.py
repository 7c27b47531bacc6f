"""External access on one host, by Ingress or Gateway API HTTPRoute: each API at
`/api/<context>` and `/<context>`, the web app (when enabled) at `/`.

Paths go to the APIs unchanged (no controller-specific rewrite): each API serves its routes
under both prefixes (`shop.common.public_paths`, ADR 0041), so its links (basket's order link,
`Location`s) keep the prefix the request came by, which the same rules route. The longest
prefix wins, in both kinds: `/` reaches the web app only when no API prefix matches. With
`exposure.traefik`, the API routes pass Traefik's Middlewares (`builders.front_door`).
"""

from __future__ import annotations

from shop.common.public_paths import public_prefix, served_prefixes
from shopkeeper import constants as c
from shopkeeper import kinds, naming
from shopkeeper.builders.front_door import build_front_door, ingress_annotations, route_filters
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import metadata
from shopkeeper.builders.web import CONTEXT as WEB_CONTEXT
from shopkeeper.builders.web import ROLE as WEB_ROLE
from shopkeeper.builders.workloads import SERVICE_PORT
from shopkeeper.topics import CONTEXTS


def routes(inp: BuildInput) -> list[tuple[str, str, bool]]:
    """(path prefix, Service, is an API) of every API's prefixes, then `/` for the web app."""
    out = [
        (prefix, naming.workload(inp.name, context, "api"), True)
        for context in CONTEXTS
        for prefix in served_prefixes(public_prefix(context))
    ]
    if inp.spec.web.enabled:
        out.append(("/", naming.workload(inp.name, WEB_CONTEXT, WEB_ROLE), False))
    return out


def build_ingress(inp: BuildInput, host: str) -> Manifest:
    """An Ingress routing each prefix of `routes` to its Service."""
    settings = inp.spec.exposure.ingress
    paths = [
        {
            "path": prefix,
            "pathType": "Prefix",
            "backend": {"service": {"name": service, "port": {"name": c.HTTP_PORT_NAME}}},
        }
        for prefix, service, _ in routes(inp)
    ]
    spec: dict[str, object] = {"rules": [{"host": host, "http": {"paths": paths}}]}
    if settings.class_name:
        spec["ingressClassName"] = settings.class_name
    if settings.tls_secret:
        spec["tls"] = [{"hosts": [host], "secretName": settings.tls_secret}]
    return {
        "apiVersion": kinds.INGRESS.api_version,
        "kind": kinds.INGRESS.kind,
        "metadata": metadata(
            inp,
            kinds.INGRESS,
            naming.shop(inp.name),
            component="exposure",
            annotations=ingress_annotations(inp),
        ),
        "spec": spec,
    }


def build_http_route(inp: BuildInput, host: str) -> Manifest:
    """A Gateway API HTTPRoute with the same routes as the Ingress."""
    gateway = inp.spec.exposure.gateway
    if gateway is None:
        raise ValueError("exposure.mode gateway needs exposure.gateway")
    parent: dict[str, object] = {"name": gateway.name}
    if gateway.namespace:
        parent["namespace"] = gateway.namespace
    if gateway.section_name:
        parent["sectionName"] = gateway.section_name
    filters = route_filters(inp)
    rules = [
        {
            "matches": [{"path": {"type": "PathPrefix", "value": prefix}}],
            **({"filters": filters} if api and filters else {}),
            "backendRefs": [{"name": service, "port": SERVICE_PORT}],
        }
        for prefix, service, api in routes(inp)
    ]
    return {
        "apiVersion": kinds.HTTP_ROUTE.api_version,
        "kind": kinds.HTTP_ROUTE.kind,
        "metadata": metadata(inp, kinds.HTTP_ROUTE, naming.shop(inp.name), component="exposure"),
        "spec": {"parentRefs": [parent], "hostnames": [host], "rules": rules},
    }


def build_exposure(inp: BuildInput) -> list[Manifest]:
    """The Ingress or HTTPRoute (after the Traefik Middlewares they name), or nothing."""
    exposure = inp.spec.exposure
    if exposure.mode == "none" or exposure.host is None:
        return []
    if exposure.mode == "ingress":
        return [*build_front_door(inp), build_ingress(inp, exposure.host)]
    return [*build_front_door(inp), build_http_route(inp, exposure.host)]
