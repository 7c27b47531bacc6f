"""The optional Kafka UI: built only when enabled, restricted, pointed at the platform's Kafka."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from shopkeeper.api.kafka_ui import KAFKA_UI_IMAGE
from shopkeeper.builders.platform import build_all
from unit.operator.operator_support import build_input, by_kind, spec_from

ENABLED = {"enabled": True}


def ui_children(**spec: Any) -> dict[str, dict[str, Any]]:
    manifests = build_all(build_input(spec_from(**spec)))
    return {
        f"{m['kind']}/{m['metadata']['name']}": m
        for m in manifests
        if m["metadata"]["labels"]["app.kubernetes.io/component"] == "kafka-ui"
    }


def ui_container(**spec: Any) -> dict[str, Any]:
    deployment = ui_children(**spec)["Deployment/shop-kafka-ui"]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    return container  # type: ignore[no-any-return]


def env_of(container: dict[str, Any]) -> dict[str, str]:
    return {entry["name"]: entry["value"] for entry in container["env"]}


def test_without_kafka_ui_nothing_is_built() -> None:
    assert ui_children() == {}


def test_enabled_it_is_a_deployment_and_a_service_of_the_pinned_image() -> None:
    children = ui_children(kafkaUi=ENABLED)

    assert set(children) == {"Deployment/shop-kafka-ui", "Service/shop-kafka-ui"}
    container = ui_container(kafkaUi=ENABLED)
    assert container["image"] == KAFKA_UI_IMAGE == "ghcr.io/kafbat/kafka-ui:v1.5.0"
    service = children["Service/shop-kafka-ui"]["spec"]
    deployment = children["Deployment/shop-kafka-ui"]["spec"]
    assert service["selector"] == deployment["selector"]["matchLabels"]
    assert deployment["template"]["metadata"]["labels"] == service["selector"]
    assert service["ports"][0]["targetPort"] == container["ports"][0]["name"]


def test_it_points_at_the_platforms_kafka_read_only() -> None:
    env = env_of(ui_container(kafkaUi=ENABLED))

    assert env["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"] == "kafka-kafka-bootstrap:9092"
    assert env["KAFKA_CLUSTERS_0_NAME"] == "shop"
    assert env["KAFKA_CLUSTERS_0_READONLY"] == "true"


def test_explicit_bootstrap_servers_and_write_access_reach_it() -> None:
    kafka = {"bootstrapServers": "broker-0.kafka:9094,broker-1.kafka:9094"}
    env = env_of(ui_container(kafka=kafka, kafkaUi={**ENABLED, "readOnly": False}))

    assert env["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"] == kafka["bootstrapServers"]
    assert env["KAFKA_CLUSTERS_0_READONLY"] == "false"


def test_its_pod_meets_the_restricted_pod_security_standard() -> None:
    deployment = ui_children(kafkaUi=ENABLED)["Deployment/shop-kafka-ui"]
    pod = deployment["spec"]["template"]["spec"]
    [container] = pod["containers"]

    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    security = container["securityContext"]
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    assert security["readOnlyRootFilesystem"] is True
    assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]


def test_another_image_may_be_named() -> None:
    image = "registry.example.com/mirror/kafka-ui:v1.5.0"
    assert ui_container(kafkaUi={**ENABLED, "image": image})["image"] == image


def test_an_image_with_spaces_is_refused() -> None:
    with pytest.raises(ValidationError, match="image"):
        spec_from(kafkaUi={**ENABLED, "image": "kafka ui"})


def test_the_kafka_ui_service_is_not_scraped_as_a_shop_process() -> None:
    manifests = build_all(build_input(spec_from(kafkaUi=ENABLED)))
    service = by_kind(manifests, "Service")["shop-kafka-ui"]
    assert "shopkeeper.dev/role" not in service["metadata"]["labels"]
