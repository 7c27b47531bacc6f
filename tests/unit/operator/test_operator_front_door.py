"""`exposure.traefik`: the local front door's CORS, rate limit and problem pages as Traefik
Middlewares that the exposure's API routes reference."""

from __future__ import annotations

from typing import Any

from shopkeeper.builders.platform import build_all
from unit.operator.operator_support import build_input, by_kind, spec_from

AUTH = {"issuer": "https://shop.test/dex"}
TRAEFIK = {"enabled": True, "corsOrigins": ["https://admin.test"], "requestsPerSecond": 5}
# Outermost first: the problem pages must wrap the rate limit to replace its 429.
MIDDLEWARES = ["shop-api-cors", "shop-api-problems", "shop-api-rate-limit"]


def _exposure(mode: str, **extra: Any) -> dict[str, Any]:
    target = {"gateway": {"name": "public"}} if mode == "gateway" else {}
    return {"mode": mode, "host": "shop.test", **target, **extra}


def test_no_middlewares_unless_asked() -> None:
    manifests = build_all(build_input(spec_from(auth=AUTH, exposure=_exposure("gateway"))))
    assert by_kind(manifests, "Middleware") == {}
    [route] = by_kind(manifests, "HTTPRoute").values()
    assert not [r for r in route["spec"]["rules"] if "filters" in r]


def test_the_middlewares_carry_the_front_doors_options() -> None:
    spec = spec_from(auth=AUTH, exposure=_exposure("gateway", traefik=TRAEFIK))
    middlewares = by_kind(build_all(build_input(spec)), "Middleware")
    assert list(middlewares) == MIDDLEWARES
    assert {m["apiVersion"] for m in middlewares.values()} == {"traefik.io/v1alpha1"}
    cors = middlewares["shop-api-cors"]["spec"]["headers"]
    assert cors["accessControlAllowOriginList"] == ["https://admin.test"]
    assert "Idempotency-Key" in cors["accessControlAllowHeaders"]
    assert "Location" in cors["accessControlExposeHeaders"]
    limit = middlewares["shop-api-rate-limit"]["spec"]["rateLimit"]
    assert (limit["average"], limit["burst"], limit["period"]) == (5, 200, "1s")
    assert limit["sourceCriterion"] == {"ipStrategy": {"depth": 0}}
    errors = middlewares["shop-api-problems"]["spec"]["errors"]
    assert errors == {
        "status": ["429", "502-504"],
        "service": {"name": "shop-catalog-api", "port": 80},
        "query": "/problems/{status}",
    }


def test_the_routes_api_rules_reference_them_and_the_web_apps_rule_does_not() -> None:
    spec = spec_from(
        auth=AUTH, exposure=_exposure("gateway", traefik=TRAEFIK), web={"enabled": True}
    )
    [route] = by_kind(build_all(build_input(spec)), "HTTPRoute").values()
    filters = {r["matches"][0]["path"]["value"]: r.get("filters") for r in route["spec"]["rules"]}
    assert filters.pop("/") is None
    expected = [
        {
            "type": "ExtensionRef",
            "extensionRef": {"group": "traefik.io", "kind": "Middleware", "name": name},
        }
        for name in MIDDLEWARES
    ]
    assert len(filters) == 12
    assert all(found == expected for found in filters.values())


def test_the_ingress_names_them_in_traefiks_annotation() -> None:
    exposure = _exposure("ingress", ingress={"className": "traefik"}, traefik=TRAEFIK)
    [ingress] = by_kind(
        build_all(build_input(spec_from(auth=AUTH, exposure=exposure))), "Ingress"
    ).values()
    annotation = ingress["metadata"]["annotations"][
        "traefik.ingress.kubernetes.io/router.middlewares"
    ]
    assert annotation == ",".join(f"shop-ns-{name}@kubernetescrd" for name in MIDDLEWARES)


def test_the_middlewares_are_applied_before_the_routes_that_name_them() -> None:
    spec = spec_from(auth=AUTH, exposure=_exposure("gateway", traefik=TRAEFIK))
    kinds = [m["kind"] for m in build_all(build_input(spec))]
    assert kinds.index("Middleware") < kinds.index("HTTPRoute")
