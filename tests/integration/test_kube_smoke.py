"""The Kubernetes control plane is real: upstream schemas validate, the garbage collector runs."""

from collections.abc import Iterator

import pytest
from lightkube import ApiError, Client
from lightkube.generic_resource import GenericNamespacedResource, create_namespaced_resource
from lightkube.models.meta_v1 import ObjectMeta, OwnerReference
from lightkube.resources.apiextensions_v1 import CustomResourceDefinition
from lightkube.resources.core_v1 import ConfigMap

from localinfra.kube import ControlPlane
from localinfra.versions import versions
from support.kube import admin_client, fresh_namespace
from support.polling import wait_until

pytestmark = pytest.mark.integration

KafkaTopic = create_namespaced_resource("kafka.strimzi.io", "v1", "KafkaTopic", "kafkatopics")


@pytest.fixture(scope="module")
def client(kube_control_plane: ControlPlane) -> Iterator[Client]:
    """A real client library talking through the generated kubeconfig file."""
    with admin_client(kube_control_plane) as kube:
        yield kube


@pytest.fixture
def namespace(client: Client) -> Iterator[str]:
    with fresh_namespace(client, "smoke") as name:
        yield name


def kafka_topic(name: str, namespace: str, partitions: object) -> GenericNamespacedResource:
    return KafkaTopic(
        apiVersion="kafka.strimzi.io/v1",
        kind="KafkaTopic",
        metadata=ObjectMeta(name=name, namespace=namespace, labels={"strimzi.io/cluster": "shop"}),
        spec={"partitions": partitions, "replicas": 1, "config": {"retention.ms": 604800000}},
    )


def test_version_reports_the_pinned_release(kube_control_plane: ControlPlane) -> None:
    version = kube_control_plane.version()
    assert version["gitVersion"] == f"v{versions().kubernetes}"
    assert (version["major"], version["minor"]) == tuple(versions().kubernetes.split(".")[:2])


def test_every_upstream_crd_is_established(
    kube_upstream_crds: ControlPlane, client: Client
) -> None:
    for name in (
        "kafkatopics.kafka.strimzi.io",
        "clusters.postgresql.cnpg.io",
        "servicemonitors.monitoring.coreos.com",
        "scaledobjects.keda.sh",
    ):
        crd = client.get(CustomResourceDefinition, name)
        conditions = crd.status.conditions if crd.status and crd.status.conditions else []
        assert any(c.type == "Established" and c.status == "True" for c in conditions), name


def test_strimzi_schema_accepts_a_valid_topic_and_rejects_an_invalid_one(
    kube_control_plane: ControlPlane, client: Client, namespace: str
) -> None:
    installed = kube_control_plane.install_upstream_crds("strimzi")
    assert "kafkatopics.kafka.strimzi.io" in installed

    client.create(kafka_topic("orders", namespace, 3))
    stored = client.get(KafkaTopic, "orders", namespace=namespace)
    assert stored["spec"]["partitions"] == 3

    with pytest.raises(ApiError) as rejected:
        client.create(kafka_topic("broken", namespace, "many"))
    assert rejected.value.status.code == 422
    message = rejected.value.status.message or ""
    assert "spec.partitions" in message
    assert "must be of type integer" in message


def test_the_garbage_collector_deletes_a_child_after_its_owner(
    client: Client, namespace: str
) -> None:
    owner = client.create(ConfigMap(metadata=ObjectMeta(name="owner", namespace=namespace)))
    assert owner.metadata is not None
    assert owner.metadata.uid is not None
    client.create(
        ConfigMap(
            metadata=ObjectMeta(
                name="child",
                namespace=namespace,
                ownerReferences=[
                    OwnerReference(
                        apiVersion="v1", kind="ConfigMap", name="owner", uid=owner.metadata.uid
                    )
                ],
            )
        )
    )

    client.delete(ConfigMap, "owner", namespace=namespace)

    def child_gone() -> bool:
        try:
            client.get(ConfigMap, "child", namespace=namespace)
        except ApiError as err:
            if err.status.code == 404:
                return True
            raise
        return False

    wait_until(child_gone, within=60, what="garbage-collected")
