"""The ConfigMap every process reads, and the environment that points at it and the Secret."""

from __future__ import annotations

from shopkeeper import constants as c
from shopkeeper import kinds, naming
from shopkeeper.builders.database import database_connection
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import metadata


def config_data(inp: BuildInput) -> dict[str, str]:
    """Non-secret settings, as `SHOP_*` and standard `OTEL_*` environment variables."""
    spec = inp.spec
    db = database_connection(inp)
    data = {
        "SHOP_PLATFORM": inp.name,
        "SHOP_HTTP_PORT": str(c.HTTP_PORT),
        "SHOP_KAFKA_BOOTSTRAP_SERVERS": spec.kafka.bootstrap,
        "SHOP_OUTBOX_MODE": spec.outbox.mode,
        "SHOP_DATABASE_HOST": db.host,
        "SHOP_DATABASE_PORT": str(db.port),
        "SHOP_DATABASE_NAME": db.name,
        "SHOP_PAYMENT_FAILURE_RATE": str(spec.payment_gateway.failure_rate),
        "SHOP_PAYMENT_LATENCY_MS": str(spec.payment_gateway.latency_ms),
        "OTEL_RESOURCE_ATTRIBUTES": (
            f"service.namespace={inp.name},k8s.namespace.name={inp.namespace}"
        ),
    }
    endpoint = spec.observability.otlp_endpoint
    if endpoint:
        data["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint
        data["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf"
    else:
        data["OTEL_SDK_DISABLED"] = "true"
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


def process_env(inp: BuildInput, service_name: str) -> list[dict[str, object]]:
    """Environment of one container besides the ConfigMap: credentials and service name."""
    secret = database_connection(inp).secret
    return [
        {"name": "OTEL_SERVICE_NAME", "value": service_name},
        _secret_env("SHOP_DATABASE_USER", secret, "username"),
        _secret_env("SHOP_DATABASE_PASSWORD", secret, "password"),
    ]


def env_from(inp: BuildInput) -> list[dict[str, object]]:
    """`envFrom` of every container."""
    return [{"configMapRef": {"name": naming.config_map(inp.name)}}]


def _secret_env(name: str, secret: str, key: str) -> dict[str, object]:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}
