"""The ConfigMap every process reads, and the environment that points at it and the Secret.

The names are the services' settings (docs/services.md): `SHOP_<SETTING>` shared by every
process, `SHOP_<CONTEXT>_<SETTING>` for one context, and the standard `OTEL_*` variables.
"""

from __future__ import annotations

from shopkeeper import constants as c
from shopkeeper import kinds, naming
from shopkeeper.api.auth import AuthSpec
from shopkeeper.builders.context_env import context_env, merge_env
from shopkeeper.builders.database import database_connection
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import metadata

USER_VAR, PASSWORD_VAR = "SHOP_DATABASE_USER", "SHOP_DATABASE_PASSWORD"
ADMIN_USER_VAR, ADMIN_PASSWORD_VAR = "SHOP_DATABASE_ADMIN_USER", "SHOP_DATABASE_ADMIN_PASSWORD"
ADMIN_URL_VAR = "SHOP_DATABASE_ADMIN_URL"


def config_data(inp: BuildInput) -> dict[str, str]:
    """Non-secret settings."""
    spec = inp.spec
    gateway = spec.payment_gateway
    data = {
        "SHOP_ENVIRONMENT": "production",
        "SHOP_HTTP_PORT": str(c.HTTP_PORT),
        "SHOP_KAFKA_BOOTSTRAP_SERVERS": spec.kafka.bootstrap,
        # Who publishes the outbox: with Debezium the units of work delete their rows at once.
        "SHOP_OUTBOX_MODE": "relay" if spec.outbox.mode == "relay" else "debezium",
        "SHOP_PAYMENT_GATEWAY_FAILURE_RATE": str(gateway.failure_rate),
        "SHOP_PAYMENT_GATEWAY_LATENCY_SECONDS": str(gateway.latency_ms / 1000),
        # /readyz gives its checks all but a second of the kubelet's probe timeout: a database
        # slow to answer on a busy node is not taken for one that is down (the default is 2 s).
        "SHOP_READINESS_TIMEOUT_SECONDS": str(c.PROBE_TIMEOUT_SECONDS - 1),
        "OTEL_RESOURCE_ATTRIBUTES": (
            f"service.namespace={inp.name},k8s.namespace.name={inp.namespace}"
        ),
    }
    if spec.auth is not None:
        data |= auth_data(spec.auth)
    endpoint = spec.observability.otlp_endpoint
    if endpoint:
        data["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint
        data["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf"
    else:
        data["OTEL_SDK_DISABLED"] = "true"
    return data


def auth_data(auth: AuthSpec) -> dict[str, str]:
    """The token checks' settings (`shop.common.auth.settings.AuthSettings`)."""
    data = {
        "SHOP_AUTH_ISSUER": auth.issuer,
        "SHOP_AUTH_AUDIENCE": auth.audience,
        "SHOP_AUTH_ADMIN_GROUP": auth.admin_group,
        "SHOP_AUTH_SERVICE_GROUP": auth.service_group,
    }
    if auth.jwks_url:
        data["SHOP_AUTH_JWKS_URL"] = auth.jwks_url
    return data


def build_config_map(inp: BuildInput) -> Manifest:
    """`<platform>-config`."""
    return {
        "apiVersion": kinds.CONFIG_MAP.api_version,
        "kind": kinds.CONFIG_MAP.kind,
        "metadata": metadata(
            inp, kinds.CONFIG_MAP, naming.config_map(inp.name), component="config"
        ),
        "data": config_data(inp),
    }


def process_env(inp: BuildInput, context: str, service_name: str) -> list[dict[str, object]]:
    """Environment of one container besides the ConfigMap: service name, the context's database
    URL, then the context's own settings and the spec's env for it (which may replace any)."""
    base: list[dict[str, object]] = [
        {"name": "SHOP_SERVICE_NAME", "value": service_name},
        {"name": "OTEL_SERVICE_NAME", "value": service_name},
        *database_url_env(inp, context),
    ]
    return merge_env(base, context_env(inp, context))


def database_url_env(inp: BuildInput, context: str) -> list[dict[str, object]]:
    """`SHOP_DATABASE_URL` as the context's own role, from its Secret (ADR 0053).

    Composed from the Secret's `username` and `password` (Kubernetes expands `$(VAR)` of
    earlier variables); the operator's passwords are URL-safe.
    """
    db = database_connection(inp)
    secret = naming.db_role_secret(inp.name, context)
    url = f"postgresql+asyncpg://$({USER_VAR}):$({PASSWORD_VAR})@{db.host}:{db.port}/{db.name}"
    return [
        _secret_env(USER_VAR, secret, "username"),
        _secret_env(PASSWORD_VAR, secret, "password"),
        {"name": "SHOP_DATABASE_URL", "value": url},
    ]


def admin_url_env(inp: BuildInput) -> list[dict[str, object]]:
    """`SHOP_DATABASE_ADMIN_URL` of the migrations Job, which prepares the roles and schemas.

    CloudNativePG's `<cluster>-app` Secret carries a ready, encoded `uri`. For an external
    database it is composed from the Secret's `username` and `password`, so that password must
    be URL-safe.
    """
    db = database_connection(inp)
    if inp.spec.database.mode == "cnpg":
        return [_secret_env(ADMIN_URL_VAR, db.secret, "uri")]
    url = (
        f"postgresql+asyncpg://$({ADMIN_USER_VAR}):$({ADMIN_PASSWORD_VAR})"
        f"@{db.host}:{db.port}/{db.name}"
    )
    return [
        _secret_env(ADMIN_USER_VAR, db.secret, "username"),
        _secret_env(ADMIN_PASSWORD_VAR, db.secret, "password"),
        {"name": ADMIN_URL_VAR, "value": url},
    ]


def env_from(inp: BuildInput) -> list[dict[str, object]]:
    """`envFrom` of every container."""
    return [{"configMapRef": {"name": naming.config_map(inp.name)}}]


def _secret_env(name: str, secret: str, key: str) -> dict[str, object]:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}
