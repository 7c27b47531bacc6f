"""The operator keeps the shop running: drift comes back, FAILED connectors get restarted."""

from __future__ import annotations

from typing import Any

from lightkube import Client
from lightkube.resources.core_v1 import Event
from lightkube.types import PatchType

from integration.operator.kube_support import (
    children,
    create_platform,
    eventually,
    sample_body,
)
from integration.operator.operator_runner import RunningOperator
from shopkeeper import kinds
from shopkeeper.kube import resource_class

TIMEOUT = 60.0


def _created(kube: Client, namespace: str, kind: kinds.ChildKind, name: str) -> Any:
    return eventually(
        lambda: children(kube, kind, "shop", namespace).get(name),
        timeout=TIMEOUT,
        what=f"{kind.kind} {name} created",
    )


def test_deleted_deployment_and_topic_come_back(
    kube: Client, namespace: str, operator: RunningOperator
) -> None:
    create_platform(kube, sample_body("shop", namespace))
    for kind, name in (
        (kinds.DEPLOYMENT, "shop-payment-worker"),
        (kinds.KAFKA_TOPIC, "shop-shop.payment.payment"),
    ):
        original = _created(kube, namespace, kind, name)
        kube.delete(resource_class(kind), name, namespace=namespace)

        def recreated(
            kind: kinds.ChildKind = kind, name: str = name, old: str = original["metadata"]["uid"]
        ) -> bool:
            again = children(kube, kind, "shop", namespace).get(name)
            return bool(again and again["metadata"]["uid"] != old)

        eventually(recreated, timeout=TIMEOUT, what=f"{kind.kind} {name} recreated")
    eventually(
        lambda: (
            'kind="KafkaTopic"' in operator.metrics() and 'kind="Deployment"' in operator.metrics()
        ),
        timeout=TIMEOUT,
        what="drift repairs counted",
    )


def test_hand_edited_child_is_restored(
    kube: Client, namespace: str, operator: RunningOperator
) -> None:
    create_platform(kube, sample_body("shop", namespace))
    _created(kube, namespace, kinds.KAFKA_TOPIC, "shop-shop.ordering.order")
    kube.patch(
        resource_class(kinds.KAFKA_TOPIC),
        "shop-shop.ordering.order",
        {"spec": {"partitions": 12}},
        namespace=namespace,
        patch_type=PatchType.MERGE,
    )

    def restored() -> bool:
        topic = children(kube, kinds.KAFKA_TOPIC, "shop", namespace)["shop-shop.ordering.order"]
        return bool(topic["spec"]["partitions"] == 3)

    eventually(restored, timeout=TIMEOUT, what="partitions restored to the spec's 3")


def test_failed_connector_gets_the_strimzi_restart_annotation_and_an_event(
    kube: Client, namespace: str, operator: RunningOperator
) -> None:
    create_platform(kube, sample_body("shop", namespace))
    name = "shop-ordering-outbox"
    _created(kube, namespace, kinds.KAFKA_CONNECTOR, name)
    connector_class: Any = resource_class(kinds.KAFKA_CONNECTOR)
    failed = {
        "status": {
            "observedGeneration": 1,
            "connectorStatus": {
                "name": name,
                "connector": {
                    "state": "FAILED",
                    "trace": "org.example.SlotGone: replication slot lost",
                },
                "tasks": [],
            },
        }
    }
    kube.patch(
        connector_class.Status, name, failed, namespace=namespace, patch_type=PatchType.MERGE
    )

    def annotated() -> bool:
        connector = children(kube, kinds.KAFKA_CONNECTOR, "shop", namespace)[name]
        annotations = connector["metadata"].get("annotations") or {}
        return annotations.get("strimzi.io/restart") == "true"

    eventually(annotated, timeout=TIMEOUT, what="strimzi.io/restart on the FAILED connector")

    def event() -> Any:
        events: Any = kube.list(Event, namespace=namespace)
        return next((e for e in events if e.reason == "ConnectorRestarted"), None)

    recorded = eventually(event, timeout=TIMEOUT, what="a ConnectorRestarted event")
    assert recorded.involvedObject.kind == "EcommercePlatform"
    assert name in recorded.message
    assert "SlotGone" in recorded.message
