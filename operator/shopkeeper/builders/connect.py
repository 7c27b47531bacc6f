"""Debezium outbox relay: a Strimzi KafkaConnect (when asked to create one) and KafkaConnectors.

The connector configuration is the messaging core's `outbox_connector_config`, so the operator and
the local stack relay the outbox identically. Credentials never enter the spec: a KafkaConnect the
operator creates gets them as environment variables from the database Secret (read through Kafka's
EnvVarConfigProvider); an existing KafkaConnect must offer Strimzi's `secrets` config provider.
"""

from __future__ import annotations

from shop.common.debezium import STRIMZI_SPEC_KEYS, outbox_connector_config
from shopkeeper import constants as c
from shopkeeper import kinds, naming
from shopkeeper.api.messaging import CreateConnect
from shopkeeper.builders.database import database_connection
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import metadata
from shopkeeper.topics import publishing_contexts

USER_ENV = "SHOPKEEPER_DATABASE_USER"
PASSWORD_ENV = "SHOPKEEPER_DATABASE_PASSWORD"
ENV_PROVIDER = "org.apache.kafka.common.config.provider.EnvVarConfigProvider"
DEBEZIUM_ARTIFACTS = ("debezium-connector-postgres", "debezium-connect-plugins")


def connect_cluster_name(inp: BuildInput) -> str | None:
    """The KafkaConnect that runs the connectors (None outside the debezium mode)."""
    debezium = inp.spec.outbox.debezium
    if inp.spec.outbox.mode != "debezium" or debezium is None:
        return None
    return debezium.connect_cluster or naming.kafka_connect(inp.name)


def build_kafka_connect(inp: BuildInput, create: CreateConnect) -> Manifest:
    """A KafkaConnect with the Debezium PostgreSQL plugin, managing connectors by resource."""
    name = naming.kafka_connect(inp.name)
    secret = database_connection(inp).secret
    spec: dict[str, object] = {
        "replicas": create.replicas,
        "bootstrapServers": inp.spec.kafka.bootstrap,
        "groupId": name,
        "configStorageTopic": f"{name}-configs",
        "offsetStorageTopic": f"{name}-offsets",
        "statusStorageTopic": f"{name}-status",
        "config": {
            "config.storage.replication.factor": -1,
            "offset.storage.replication.factor": -1,
            "status.storage.replication.factor": -1,
            "config.providers": "env",
            "config.providers.env.class": ENV_PROVIDER,
        },
        "resources": create.resources.manifest(),
        "template": {
            "connectContainer": {
                "env": [
                    {
                        "name": USER_ENV,
                        "valueFrom": {"secretKeyRef": {"name": secret, "key": "username"}},
                    },
                    {
                        "name": PASSWORD_ENV,
                        "valueFrom": {"secretKeyRef": {"name": secret, "key": "password"}},
                    },
                ]
            }
        },
    }
    if create.image:
        spec["image"] = create.image
    if create.build:
        output: dict[str, object] = {"type": "docker", "image": create.build.output_image}
        if create.build.push_secret:
            output["pushSecret"] = create.build.push_secret
        spec["build"] = {
            "output": output,
            "plugins": [
                {
                    "name": "debezium-postgres",
                    "artifacts": [
                        {
                            "type": "maven",
                            "group": "io.debezium",
                            "artifact": artifact,
                            "version": create.debezium_version,
                        }
                        for artifact in DEBEZIUM_ARTIFACTS
                    ],
                }
            ],
        }
    if inp.spec.observability.otlp_endpoint:
        spec["tracing"] = {"type": "opentelemetry"}
    return {
        "apiVersion": kinds.KAFKA_CONNECT.api_version,
        "kind": kinds.KAFKA_CONNECT.kind,
        "metadata": metadata(
            inp,
            kinds.KAFKA_CONNECT,
            name,
            component="kafka-connect",
            annotations={c.STRIMZI_CONNECTOR_RESOURCES_ANNOTATION: "true"},
        ),
        "spec": spec,
    }


def connector_credentials(inp: BuildInput) -> tuple[str, str]:
    """Config-provider references to the database user and password."""
    debezium = inp.spec.outbox.debezium
    if debezium is not None and debezium.create is not None:
        return f"${{env:{USER_ENV}}}", f"${{env:{PASSWORD_ENV}}}"
    secret = f"{inp.namespace}/{database_connection(inp).secret}"
    return f"${{secrets:{secret}:username}}", f"${{secrets:{secret}:password}}"


def connector_config(
    inp: BuildInput,
    context: str,
    *,
    name: str,
    credentials: tuple[str, str],
    host: str | None = None,
    port: int | None = None,
) -> dict[str, str]:
    """The messaging core's outbox connector config for one context of this platform."""
    db = database_connection(inp)
    user, password = credentials
    return outbox_connector_config(
        schema=context,
        database_host=host or db.host,
        database_port=port or db.port,
        database_name=db.name,
        database_user=user,
        database_password=password,
        connector_name=name,
        topic_prefix=f"shopkeeper.{inp.name}",
    )


def build_connector(inp: BuildInput, context: str, connect_cluster: str) -> Manifest:
    """The Debezium KafkaConnector relaying `<context>.outbox`."""
    name = naming.kafka_connector(inp.name, context)
    config = connector_config(inp, context, name=name, credentials=connector_credentials(inp))
    return {
        "apiVersion": kinds.KAFKA_CONNECTOR.api_version,
        "kind": kinds.KAFKA_CONNECTOR.kind,
        "metadata": metadata(
            inp,
            kinds.KAFKA_CONNECTOR,
            name,
            component=f"{context}-outbox",
            labels={c.STRIMZI_CLUSTER_LABEL: connect_cluster},
        ),
        "spec": {
            "class": config["connector.class"],
            "tasksMax": int(config["tasks.max"]),
            "state": "running",
            "config": {k: v for k, v in config.items() if k not in STRIMZI_SPEC_KEYS},
        },
    }


def build_outbox_connect(inp: BuildInput) -> list[Manifest]:
    """KafkaConnect (if created here) and one connector per publishing context."""
    cluster = connect_cluster_name(inp)
    debezium = inp.spec.outbox.debezium
    if cluster is None or debezium is None:
        return []
    out: list[Manifest] = []
    if debezium.create is not None:
        out.append(build_kafka_connect(inp, debezium.create))
    out += [build_connector(inp, ctx, cluster) for ctx in publishing_contexts()]
    return out
