from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from shop import topology
from shopkeeper.api import PlatformSpec
from shopkeeper.api.services import ServicesSpec
from unit.operator.operator_support import MINIMAL, REPO, spec_from

SAMPLES = REPO / "k8s" / "samples"


def test_minimal_spec_gets_the_documented_defaults() -> None:
    spec = PlatformSpec.model_validate(MINIMAL)
    assert spec.image.reference == "ghcr.io/shopkeeper/shopkeeper:1.0.0"
    assert spec.image.pull_policy == "IfNotPresent"
    assert spec.deletion_policy == "Retain"
    assert spec.outbox.mode == "relay"
    assert spec.database.mode == "cnpg"
    assert spec.services.of("payment").api.replicas == 1
    assert spec.kafka.topics.partitions == 3


def test_services_cover_exactly_the_bounded_contexts_of_the_topology() -> None:
    assert tuple(ServicesSpec.model_fields) == topology.CONTEXTS


def test_unknown_context_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="unknown bounded context 'shipping'"):
        spec_from().services.of("shipping")


def test_negative_replicas_are_refused() -> None:
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        spec_from(services={"catalog": {"api": {"replicas": -1}}})


def test_unknown_pull_policy_is_refused() -> None:
    with pytest.raises(ValidationError, match="'Always', 'IfNotPresent' or 'Never'"):
        spec_from(image={"tag": "1", "pullPolicy": "Sometimes"})


def test_bootstrap_defaults_to_the_strimzi_bootstrap_service() -> None:
    assert spec_from().kafka.bootstrap == "kafka-kafka-bootstrap:9092"


def test_explicit_bootstrap_servers_win_over_the_strimzi_convention() -> None:
    spec = spec_from(kafka={"strimziCluster": "k", "bootstrapServers": "broker-0:9093"})
    assert spec.kafka.bootstrap == "broker-0:9093"


def test_bootstrap_servers_must_be_host_port_pairs() -> None:
    with pytest.raises(ValidationError, match=r"bootstrapServers|bootstrap_servers"):
        spec_from(kafka={"bootstrapServers": "not a list"})


# Every platform*.yaml (the folder also holds the kustomization that adds the OIDC client Secret).
@pytest.mark.parametrize("path", sorted(SAMPLES.glob("platform*.yaml")), ids=lambda p: p.name)
def test_every_sample_is_a_valid_platform(path: Path) -> None:
    document = yaml.safe_load(path.read_text())
    assert document["kind"] == "EcommercePlatform"
    PlatformSpec.model_validate(document["spec"])


@pytest.mark.parametrize(
    ("worker", "field"),
    [
        ({"replicas": 0}, "services.ordering.worker.replicas"),
        ({"autoscaling": {"enabled": True, "minReplicas": 0}}, "autoscaling.minReplicas"),
    ],
)
def test_ordering_worker_never_scales_to_zero(worker: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match=f"{field} must be at least 1.*deadline timer"):
        spec_from(services={"ordering": {"worker": worker}})


def test_other_workers_may_scale_to_zero() -> None:
    spec = spec_from(
        services={
            "reports": {"worker": {"replicas": 0}},
            "catalog": {"worker": {"autoscaling": {"enabled": True, "minReplicas": 0}}},
        }
    )
    assert spec.services.reports.worker.replicas == 0
    assert spec.services.catalog.worker.autoscaling.min_replicas == 0
