"""The optional Kafka UI: a Deployment of kafbat/kafka-ui on the platform's Kafka, and its Service.

Restricted like the shop's pods (non-root, no privilege escalation, read-only root filesystem,
a writable /tmp for the JVM). When `spec.kafkaUi.enabled` is false nothing is built, and the
prune by label deletes what an earlier reconcile applied.
"""

from __future__ import annotations

from shopkeeper import constants as c
from shopkeeper import kinds, naming
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import metadata, selector_labels
from shopkeeper.builders.pods import (
    TMP_VOLUME,
    container_security_context,
    pod_spec,
    probe,
)
from shopkeeper.builders.workloads import SERVICE_PORT

COMPONENT = "kafka-ui"
UI_PORT = 8080
HEALTH_PATH = "/actuator/health"


def kafka_ui_env(inp: BuildInput) -> list[dict[str, object]]:
    """kafka-ui's configuration by environment: one cluster, the platform's Kafka."""
    settings = {
        "KAFKA_CLUSTERS_0_NAME": inp.name,
        "KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS": inp.spec.kafka.bootstrap,
        "KAFKA_CLUSTERS_0_READONLY": str(inp.spec.kafka_ui.read_only).lower(),
        "DYNAMIC_CONFIG_ENABLED": "false",
        "SERVER_PORT": str(UI_PORT),
        "JAVA_OPTS": "-XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp",
    }
    return [{"name": name, "value": value} for name, value in settings.items()]


def build_kafka_ui_deployment(inp: BuildInput) -> Manifest:
    ui = inp.spec.kafka_ui
    main: dict[str, object] = {
        "name": COMPONENT,
        "image": ui.image,
        "imagePullPolicy": "IfNotPresent",
        "env": kafka_ui_env(inp),
        "ports": [{"name": c.HTTP_PORT_NAME, "containerPort": UI_PORT, "protocol": "TCP"}],
        "resources": ui.resources.manifest(),
        "securityContext": container_security_context(),
        "volumeMounts": [{"name": TMP_VOLUME, "mountPath": "/tmp"}],
        "readinessProbe": probe(HEALTH_PATH, period=10, failures=3),
        "livenessProbe": probe(HEALTH_PATH, period=20, failures=3),
        # A JVM on a busy node: up to 5 minutes to start.
        "startupProbe": probe(HEALTH_PATH, period=5, failures=60),
    }
    selector = selector_labels(inp.name, COMPONENT)
    return {
        "apiVersion": kinds.DEPLOYMENT.api_version,
        "kind": kinds.DEPLOYMENT.kind,
        "metadata": metadata(inp, kinds.DEPLOYMENT, naming.kafka_ui(inp.name), component=COMPONENT),
        "spec": {
            "replicas": 1,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector},
            "template": {"metadata": {"labels": selector}, "spec": pod_spec(inp, [main])},
        },
    }


def build_kafka_ui_service(inp: BuildInput) -> Manifest:
    port = {
        "name": c.HTTP_PORT_NAME,
        "port": SERVICE_PORT,
        "targetPort": c.HTTP_PORT_NAME,
        "protocol": "TCP",
    }
    return {
        "apiVersion": kinds.SERVICE.api_version,
        "kind": kinds.SERVICE.kind,
        "metadata": metadata(inp, kinds.SERVICE, naming.kafka_ui(inp.name), component=COMPONENT),
        "spec": {
            "type": "ClusterIP",
            "selector": selector_labels(inp.name, COMPONENT),
            "ports": [port],
        },
    }


def build_kafka_ui(inp: BuildInput) -> list[Manifest]:
    """The Deployment and Service, or nothing when the Kafka UI is not enabled."""
    if not inp.spec.kafka_ui.enabled:
        return []
    return [build_kafka_ui_deployment(inp), build_kafka_ui_service(inp)]
