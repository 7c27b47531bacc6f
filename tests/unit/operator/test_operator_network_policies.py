from typing import Any

import pytest
from pydantic import ValidationError

from shopkeeper import constants as c
from shopkeeper.api.network import NetworkPeer
from shopkeeper.builders.network import build_network_policies
from shopkeeper.builders.platform import build_all
from unit.operator.operator_support import build_input, by_kind, spec_from

EXTERNAL: dict[str, Any] = {
    "kafka": {"bootstrapServers": "10.88.0.1:9092,kafka.example:9093"},
    "database": {
        "mode": "external",
        "external": {"host": "10.88.0.1", "port": 5432, "credentialsSecret": "db"},
    },
}
EXPOSURE = [{"ipBlock": {"cidr": "10.88.0.1/32"}}]
HTTP = [{"protocol": "TCP", "port": "http"}]


def _policies(**spec: Any) -> dict[str, dict[str, Any]]:
    return by_kind(build_network_policies(build_input(spec_from(**spec))), "NetworkPolicy")


def _enabled(**network: Any) -> dict[str, Any]:
    return {"networkPolicy": {"enabled": True, **network}}


def test_no_network_policies_unless_enabled() -> None:
    assert _policies() == {}


def test_every_pod_is_isolated_and_reaches_only_dns_the_database_and_kafka() -> None:
    policies = _policies(**EXTERNAL, **_enabled(apiIngressFrom=EXPOSURE))
    isolation = policies["shop-isolation"]["spec"]
    # Every pod of the platform: processes and the migrations Job carry the instance label.
    assert isolation["podSelector"] == {"matchLabels": {c.INSTANCE_LABEL: "shop"}}
    assert isolation["policyTypes"] == ["Ingress", "Egress"]
    assert isolation["ingress"] == []
    assert isolation["egress"] == [
        {"ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]},
        {
            "to": [{"ipBlock": {"cidr": "10.88.0.1/32"}}],
            "ports": [{"protocol": "TCP", "port": 5432}],
        },
        {
            "to": [{"ipBlock": {"cidr": "10.88.0.1/32"}}],
            "ports": [{"protocol": "TCP", "port": 9092}],
        },
        {"ports": [{"protocol": "TCP", "port": 9093}]},  # a host name: by port only
    ]


def test_apis_take_traffic_only_from_the_exposure_and_ordering_from_notification() -> None:
    policies = _policies(**EXTERNAL, **_enabled(apiIngressFrom=EXPOSURE))
    api = policies["shop-api-ingress"]["spec"]
    assert api["podSelector"]["matchLabels"] == {c.INSTANCE_LABEL: "shop", c.ROLE_LABEL: "api"}
    assert api["policyTypes"] == ["Ingress"]
    assert api["ingress"] == [{"from": EXPOSURE, "ports": HTTP}]
    lookup = policies["shop-order-lookup"]["spec"]
    assert lookup["podSelector"]["matchLabels"][c.CONTEXT_LABEL] == "ordering"
    (allowed,) = lookup["ingress"]
    assert allowed["from"] == [
        {
            "podSelector": {
                "matchLabels": {c.INSTANCE_LABEL: "shop", c.CONTEXT_LABEL: "notification"}
            }
        }
    ]
    egress = policies["shop-notification-egress"]["spec"]["egress"]
    assert egress == [
        {
            "to": [
                {"podSelector": {"matchLabels": {c.CONTEXT_LABEL: "ordering", c.ROLE_LABEL: "api"}}}
            ],
            "ports": HTTP,
        }
    ]


def test_workers_and_relays_get_no_ingress_rule() -> None:
    policies = _policies(**EXTERNAL, **_enabled(apiIngressFrom=EXPOSURE))
    selected_for_ingress = [
        p["spec"]["podSelector"]["matchLabels"]
        for p in policies.values()
        if "Ingress" in p["spec"]["policyTypes"] and p["spec"]["ingress"]
    ]
    assert all(labels.get(c.ROLE_LABEL) == "api" for labels in selected_for_ingress)


def test_operator_managed_infrastructure_is_reached_by_its_pods_labels() -> None:
    policies = _policies(
        database={"mode": "cnpg"},
        observability={"otlpEndpoint": "http://otel-collector.observability:4318"},
        **_enabled(metricsFrom=[{"namespaceSelector": {"matchLabels": {"name": "monitoring"}}}]),
    )
    isolation = policies["shop-isolation"]["spec"]
    assert isolation["egress"][1:] == [
        {
            "to": [{"podSelector": {"matchLabels": {"cnpg.io/cluster": "shop-db"}}}],
            "ports": [{"protocol": "TCP", "port": 5432}],
        },
        {
            "to": [{"podSelector": {"matchLabels": {"strimzi.io/cluster": "kafka"}}}],
            "ports": [{"protocol": "TCP", "port": 9092}],
        },
        {"ports": [{"protocol": "TCP", "port": 4318}]},
    ]
    assert isolation["ingress"] == [
        {"from": [{"namespaceSelector": {"matchLabels": {"name": "monitoring"}}}], "ports": HTTP}
    ]
    assert "shop-api-ingress" not in policies  # no exposure peer named: only in-platform callers


def test_notification_reaches_its_smtp_server_and_a_custom_ordering_url() -> None:
    notification = {
        "channel": "smtp",
        "smtp": {"host": "192.0.2.7", "port": 2525, "sender": "shop@example.com"},
        "orderingUrl": "http://ordering.elsewhere:8080",
    }
    policies = _policies(services={"notification": notification}, **_enabled())
    assert policies["shop-notification-egress"]["spec"]["egress"] == [
        {"ports": [{"protocol": "TCP", "port": 8080}]},
        {
            "to": [{"ipBlock": {"cidr": "192.0.2.7/32"}}],
            "ports": [{"protocol": "TCP", "port": 2525}],
        },
    ]
    assert "shop-order-lookup" not in policies


def test_network_policies_are_applied_before_the_migrations_job() -> None:
    kinds = [m["kind"] for m in build_all(build_input(spec_from(**_enabled())))]
    assert kinds.index("NetworkPolicy") < kinds.index("Job")


@pytest.mark.parametrize(
    "peer", [{}, {"ipBlock": {"cidr": "10.0.0.0/8"}, "podSelector": {"matchLabels": {"a": "b"}}}]
)
def test_a_peer_is_either_addresses_or_selectors(peer: dict[str, Any]) -> None:
    # The CRD's CEL rule tells kubectl the same.
    with pytest.raises(ValidationError, match="either an ipBlock or"):
        NetworkPeer.model_validate(peer)
