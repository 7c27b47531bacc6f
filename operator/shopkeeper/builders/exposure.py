"""External access to the APIs: `/<context>` on one host, by Ingress or Gateway API HTTPRoute.

Paths go to the APIs unchanged (no controller-specific rewrite): each API serves its routes
under its `/<context>` prefix too (`shop.common.public_paths`, ADR 0041), and basket's order
links point at `/ordering/...`, which the same rules route.
"""

from __future__ import annotations

from shop.common.public_paths import public_prefix
from shopkeeper import constants as c
from shopkeeper import kinds, naming
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import metadata
from shopkeeper.builders.workloads import SERVICE_PORT
from shopkeeper.topics import CONTEXTS


def build_ingress(inp: BuildInput, host: str) -> Manifest:
    """An Ingress routing `/<context>` to `<platform>-<context>-api`."""
    settings = inp.spec.exposure.ingress
    paths = [
        {
            "path": public_prefix(context),
            "pathType": "Prefix",
            "backend": {
                "service": {
                    "name": naming.workload(inp.name, context, "api"),
                    "port": {"name": c.HTTP_PORT_NAME},
                }
            },
        }
        for context in CONTEXTS
    ]
    spec: dict[str, object] = {"rules": [{"host": host, "http": {"paths": paths}}]}
    if settings.class_name:
        spec["ingressClassName"] = settings.class_name
    if settings.tls_secret:
        spec["tls"] = [{"hosts": [host], "secretName": settings.tls_secret}]
    return {
        "apiVersion": kinds.INGRESS.api_version,
        "kind": kinds.INGRESS.kind,
        "metadata": metadata(inp, kinds.INGRESS, naming.shop(inp.name), component="exposure"),
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
    rules = [
        {
            "matches": [{"path": {"type": "PathPrefix", "value": public_prefix(context)}}],
            "backendRefs": [
                {"name": naming.workload(inp.name, context, "api"), "port": SERVICE_PORT}
            ],
        }
        for context in CONTEXTS
    ]
    return {
        "apiVersion": kinds.HTTP_ROUTE.api_version,
        "kind": kinds.HTTP_ROUTE.kind,
        "metadata": metadata(inp, kinds.HTTP_ROUTE, naming.shop(inp.name), component="exposure"),
        "spec": {"parentRefs": [parent], "hostnames": [host], "rules": rules},
    }


def build_exposure(inp: BuildInput) -> list[Manifest]:
    """The Ingress or HTTPRoute, or nothing."""
    exposure = inp.spec.exposure
    if exposure.mode == "none" or exposure.host is None:
        return []
    if exposure.mode == "ingress":
        return [build_ingress(inp, exposure.host)]
    return [build_http_route(inp, exposure.host)]
