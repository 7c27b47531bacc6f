"""The web app's Deployment and Service: `shop run storefront-web` serving the image's built
app at the exposure's `/`, configured at run time (`/config.json`, ADR 0045).

The pod gets only the app's settings: no database, Kafka or token-check settings.
"""

from __future__ import annotations

from shop.common.public_paths import API_PREFIX
from shopkeeper import constants as c
from shopkeeper.api.auth import AuthSpec
from shopkeeper.api.web import WebSpec
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import selector_labels
from shopkeeper.builders.pods import TMP_VOLUME, container_security_context, pod_spec, probe
from shopkeeper.builders.workloads import Workload, build_deployment, build_service

CONTEXT, ROLE = "storefront", "web"
COMPONENT = f"{CONTEXT}-{ROLE}"
DIST_DIR = "/app/web/dist"
"""Where the Dockerfile puts the built app."""
BASE_SCOPES = "openid profile email groups"


def web_scope(web: WebSpec, auth: AuthSpec) -> str:
    """The scopes of the app's logins: the spec's, or the base ones with Dex's audience scope."""
    return web.scope or f"{BASE_SCOPES} audience:server:client_id:{auth.audience}"


def web_env(inp: BuildInput) -> list[dict[str, object]]:
    """`SHOP_STOREFRONT_*` (`shop.storefront.settings`): where it listens, what it tells the app."""
    web, auth = inp.spec.web, inp.spec.auth
    values = {
        "SHOP_STOREFRONT_DIST_DIR": DIST_DIR,
        "SHOP_STOREFRONT_HTTP_HOST": "0.0.0.0",
        "SHOP_STOREFRONT_HTTP_PORT": str(c.HTTP_PORT),
        "SHOP_STOREFRONT_API_BASE": API_PREFIX,
    }
    if auth is not None:
        values |= {
            "SHOP_STOREFRONT_OIDC_AUTHORITY": web.authority or auth.issuer,
            "SHOP_STOREFRONT_OIDC_CLIENT_ID": web.client_id,
            "SHOP_STOREFRONT_OIDC_SCOPE": web_scope(web, auth),
            "SHOP_STOREFRONT_OIDC_ROLE_CLAIM": "groups",
            "SHOP_STOREFRONT_OIDC_ADMIN_ROLE": web.admin_role or auth.admin_group,
        }
    return [{"name": name, "value": value} for name, value in values.items()]


def web_template(inp: BuildInput) -> dict[str, object]:
    """The pod template: the restricted profile, probes on the app server's own paths."""
    main: dict[str, object] = {
        "name": ROLE,
        "image": inp.running_image,
        "imagePullPolicy": inp.spec.image.pull_policy,
        "command": ["shop", "run", COMPONENT],
        "env": web_env(inp),
        "resources": inp.spec.web.resources.manifest(),
        "securityContext": container_security_context(),
        "volumeMounts": [{"name": TMP_VOLUME, "mountPath": "/tmp"}],
        "ports": [{"name": c.HTTP_PORT_NAME, "containerPort": c.HTTP_PORT, "protocol": "TCP"}],
        "livenessProbe": probe(c.LIVENESS_PATH, period=10, failures=3),
        "readinessProbe": probe(c.READINESS_PATH, period=5, failures=2),
        "startupProbe": probe(c.LIVENESS_PATH, period=2, failures=150),
    }
    labels = {**selector_labels(inp.name, COMPONENT), c.CONTEXT_LABEL: CONTEXT, c.ROLE_LABEL: ROLE}
    return {"metadata": {"labels": labels}, "spec": pod_spec(inp, [main])}


def build_web(inp: BuildInput) -> list[Manifest]:
    """Deployment and ClusterIP Service of the web app, when enabled."""
    web = inp.spec.web
    if not web.enabled:
        return []
    workload = Workload(CONTEXT, ROLE, web.replicas, web.resources)
    return [build_deployment(inp, workload, web_template(inp)), build_service(inp, workload)]
