"""Strimzi KafkaTopics: the shop's event topics and their DLQ topics."""

from __future__ import annotations

from shopkeeper import constants as c
from shopkeeper import kinds, naming
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import metadata
from shopkeeper.topics import ManagedTopic, platform_topics


def build_topic(inp: BuildInput, topic: ManagedTopic, cluster: str) -> Manifest:
    """One KafkaTopic for the Strimzi topic operator of `cluster`."""
    kafka = inp.spec.kafka
    if topic.purpose == "dlq":
        partitions, retention = kafka.dlq.partitions, kafka.dlq.retention_ms
    else:
        partitions, retention = kafka.topics.partitions, kafka.topics.retention_ms
    replicas = kafka.topics.replicas
    config: dict[str, object] = {"retention.ms": retention, "cleanup.policy": "delete"}
    if replicas >= 3:
        config["min.insync.replicas"] = 2
    return {
        "apiVersion": kinds.KAFKA_TOPIC.api_version,
        "kind": kinds.KAFKA_TOPIC.kind,
        "metadata": metadata(
            inp,
            kinds.KAFKA_TOPIC,
            naming.kafka_topic(inp.name, topic.name),
            component="dlq-topic" if topic.purpose == "dlq" else "topic",
            labels={c.STRIMZI_CLUSTER_LABEL: cluster},
        ),
        "spec": {
            "topicName": topic.name,
            "partitions": partitions,
            "replicas": replicas,
            "config": config,
        },
    }


def build_topics(inp: BuildInput) -> list[Manifest]:
    """KafkaTopics when the platform uses a Strimzi cluster; none for plain bootstrap servers."""
    cluster = inp.spec.kafka.strimzi_cluster
    if cluster is None:
        return []
    topics = platform_topics(with_dlq=inp.spec.kafka.dlq.enabled)
    return [build_topic(inp, topic, cluster) for topic in topics]
