"""Deleting a platform: kube-controller-manager collects its children; data is retained unless
`deletionPolicy: Delete`."""

from __future__ import annotations

from lightkube import Client

from integration.operator.kube_support import (
    all_children,
    children,
    create_platform,
    eventually,
    sample_body,
)
from integration.operator.operator_runner import RunningOperator
from shopkeeper import kinds
from shopkeeper.kube import platform_class

TIMEOUT = 60.0
GC_TIMEOUT = 120.0  # the garbage collector discovers the new CRD's kind periodically
DATA_KINDS = {"KafkaTopic", "Cluster", "Database"}


def _delete_platform(kube: Client, namespace: str) -> None:
    eventually(
        lambda: len(children(kube, kinds.KAFKA_CONNECTOR, "shop", namespace)) == 5,
        timeout=TIMEOUT,
        what="the platform's children",
    )
    kube.delete(platform_class(), "shop", namespace=namespace)


def test_retain_keeps_topics_and_database_and_collects_the_rest(
    kube: Client, namespace: str, operator: RunningOperator
) -> None:
    create_platform(kube, sample_body("shop", namespace, deletionPolicy="Retain"))
    _delete_platform(kube, namespace)

    def only_data_left() -> bool:
        return {kind for kind, _ in all_children(kube, "shop", namespace)} == DATA_KINDS

    eventually(only_data_left, timeout=GC_TIMEOUT, what="only topics and database left")
    assert len(children(kube, kinds.KAFKA_TOPIC, "shop", namespace)) == 18  # 8 topics, 10 DLQs


def test_delete_policy_lets_everything_go(
    kube: Client, namespace: str, operator: RunningOperator
) -> None:
    create_platform(kube, sample_body("shop", namespace, deletionPolicy="Delete"))
    _delete_platform(kube, namespace)
    eventually(
        lambda: not all_children(kube, "shop", namespace),
        timeout=GC_TIMEOUT,
        what="every child collected",
    )
