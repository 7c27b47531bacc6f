"""The optional Kafka UI on a real API server: applied when enabled, pruned when disabled.

There is no node here (and no registry to pull kafbat/kafka-ui from): the Deployment's pods stay
unscheduled, so the test checks what the operator writes and reports, not a running UI.
"""

from __future__ import annotations

from typing import Any

from lightkube import Client

from integration.operator.kube_support import (
    children,
    create_platform,
    eventually,
    get_platform,
    patch_spec,
    sample_body,
)
from integration.operator.operator_runner import RunningOperator
from shopkeeper import kinds
from shopkeeper.api.kafka_ui import KAFKA_UI_IMAGE

TIMEOUT = 60.0
NAME = "shop-kafka-ui"


def _ui(kube: Client, namespace: str) -> tuple[Any, Any]:
    deployment = children(kube, kinds.DEPLOYMENT, "shop", namespace).get(NAME)
    service = children(kube, kinds.SERVICE, "shop", namespace).get(NAME)
    return deployment, service


def test_an_enabled_kafka_ui_is_deployed_on_the_platforms_kafka_and_pruned_when_disabled(
    kube: Client, namespace: str, operator: RunningOperator
) -> None:
    # Plain brokers and the built-in relays: no KafkaTopics or connectors to apply besides.
    kafka = {"bootstrapServers": "broker-0.kafka.svc:9092,broker-1.kafka.svc:9092"}
    body = sample_body(
        "shop", namespace, kafka=kafka, outbox={"mode": "relay"}, kafkaUi={"enabled": True}
    )
    create_platform(kube, body)

    deployment, service = eventually(
        lambda: _ui(kube, namespace) if all(_ui(kube, namespace)) else None,
        timeout=TIMEOUT,
        what="the Kafka UI's Deployment and Service",
    )
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    env = {entry["name"]: entry.get("value") for entry in container["env"]}
    assert container["image"] == KAFKA_UI_IMAGE
    assert env["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"] == kafka["bootstrapServers"]
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]

    def reported() -> Any:
        status = get_platform(kube, "shop", namespace).get("status") or {}
        found = [c for c in status.get("components") or [] if c["name"] == "kafka-ui"]
        return found[0] if found else None

    component = eventually(reported, timeout=TIMEOUT, what="kafka-ui in the status")
    assert component["ready"] == 0  # no node: its pod is never scheduled

    patch_spec(kube, "shop", namespace, {"kafkaUi": {"enabled": False}})
    eventually(
        lambda: _ui(kube, namespace) == (None, None),
        timeout=TIMEOUT,
        what="the Kafka UI pruned",
    )
    assert children(kube, kinds.DEPLOYMENT, "shop", namespace)  # the shop's processes stay
