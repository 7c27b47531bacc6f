"""The API server itself rejects invalid platforms, with messages a person understands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from lightkube import ApiError, Client

from integration.operator.kube_support import REPO, create_platform, sample_body

SAMPLES = REPO / "k8s" / "samples"


def _rejection(kube: Client, body: dict[str, Any]) -> str:
    with pytest.raises(ApiError) as caught:
        create_platform(kube, body)
    assert caught.value.status.code == 422
    return str(caught.value.status.message)


def test_unknown_enum_value_is_rejected(kube: Client, namespace: str) -> None:
    body = sample_body("bad-enum", namespace, deletionPolicy="Sometimes")
    message = _rejection(kube, body)
    assert 'spec.deletionPolicy: Unsupported value: "Sometimes"' in message
    assert '"Retain", "Delete"' in message


def test_negative_replicas_are_rejected(kube: Client, namespace: str) -> None:
    body = sample_body(
        "bad-replicas", namespace, services={"catalog": {"worker": {"replicas": -2}}}
    )
    message = _rejection(kube, body)
    assert "spec.services.catalog.worker.replicas" in message
    assert "should be greater than or equal to 0" in message


def test_missing_kafka_section_is_rejected(kube: Client, namespace: str) -> None:
    body = sample_body("no-kafka", namespace)
    del body["spec"]["kafka"]
    assert "spec.kafka: Required value" in _rejection(kube, body)


def test_kafka_without_cluster_or_servers_is_explained(kube: Client, namespace: str) -> None:
    body = sample_body("empty-kafka", namespace, kafka={"topics": {"partitions": 6}})
    message = _rejection(kube, body)
    assert "kafka needs strimziCluster" in message
    assert "or bootstrapServers" in message


def test_debezium_mode_without_connect_settings_is_explained(kube: Client, namespace: str) -> None:
    body = sample_body("no-connect", namespace, outbox={"mode": "debezium"})
    assert "outbox.mode debezium needs outbox.debezium" in _rejection(kube, body)


def test_autoscaling_bounds_must_be_ordered(kube: Client, namespace: str) -> None:
    body = sample_body(
        "bad-bounds",
        namespace,
        services={
            "catalog": {
                "api": {"autoscaling": {"enabled": True, "minReplicas": 5, "maxReplicas": 2}}
            }
        },
    )
    assert "minReplicas must not be greater than" in _rejection(kube, body)


def test_overlong_platform_name_is_explained(kube: Client, namespace: str) -> None:
    body = sample_body("x" * 41, namespace)
    assert "at most 40 characters" in _rejection(kube, body)


def test_valid_sample_is_accepted_and_defaulted(kube: Client, namespace: str) -> None:
    created = create_platform(kube, sample_body("fine", namespace))
    spec = created["spec"]
    assert spec["image"]["pullPolicy"] == "IfNotPresent"
    assert spec["services"]["reports"]["api"]["replicas"] == 1
    assert spec["kafka"]["dlq"]["enabled"] is True


# Every platform*.yaml (the folder also holds the kustomization that adds the OIDC client Secret).
@pytest.mark.parametrize("path", sorted(SAMPLES.glob("platform*.yaml")), ids=lambda p: p.name)
def test_every_sample_is_accepted(kube: Client, namespace: str, path: Path) -> None:
    body = yaml.safe_load(path.read_text())
    body["metadata"]["namespace"] = namespace
    created = create_platform(kube, body)
    assert created.metadata.generation == 1


@pytest.mark.parametrize(
    ("worker", "field"),
    [
        ({"replicas": 0}, "services.ordering.worker.replicas"),
        (
            {"autoscaling": {"enabled": True, "minReplicas": 0, "maxReplicas": 3}},
            "services.ordering.worker.autoscaling.minReplicas",
        ),
    ],
    ids=["replicas", "keda-min-replicas"],
)
def test_ordering_worker_may_not_scale_to_zero(
    kube: Client, namespace: str, worker: dict[str, Any], field: str
) -> None:
    body = sample_body("saga-timer", namespace, services={"ordering": {"worker": worker}})
    message = _rejection(kube, body)
    assert "spec.services.ordering.worker" in message
    assert f"{field} must be at least 1" in message
    assert "deadline timer" in message


def test_other_workers_may_scale_to_zero(kube: Client, namespace: str) -> None:
    body = sample_body(
        "zero-workers",
        namespace,
        services={
            "reports": {"worker": {"replicas": 0}},
            "catalog": {"worker": {"autoscaling": {"enabled": True, "minReplicas": 0}}},
        },
    )
    spec = create_platform(kube, body)["spec"]
    assert spec["services"]["reports"]["worker"]["replicas"] == 0
    assert spec["services"]["catalog"]["worker"]["autoscaling"]["minReplicas"] == 0


@pytest.mark.parametrize(
    ("notification", "expected"),
    [
        ({"channel": "smtp"}, "channel smtp needs services.notification.smtp"),
        ({"channel": "webhook"}, "channel webhook needs services.notification.webhook"),
        (
            {
                "channel": "webhook",
                "webhook": {
                    "url": "https://hooks.example.com/x",
                    "urlSecretKeyRef": {"name": "hooks", "key": "url"},
                },
            },
            "webhook needs exactly one of url or urlSecretKeyRef",
        ),
        (
            {
                "channel": "smtp",
                "smtp": {
                    "host": "mail.example.com",
                    "passwordSecretKeyRef": {"name": "smtp", "key": "password"},
                },
            },
            "needs both usernameSecretKeyRef and passwordSecretKeyRef",
        ),
    ],
    ids=["smtp-without-host", "webhook-without-url", "webhook-twice", "half-login"],
)
def test_notification_channel_settings_are_checked(
    kube: Client, namespace: str, notification: dict[str, Any], expected: str
) -> None:
    body = sample_body("notify", namespace, services={"notification": notification})
    assert expected in _rejection(kube, body)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            {"name": "A", "value": "1", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
            "an env entry takes value or valueFrom, not both",
        ),
        (
            {
                "name": "A",
                "valueFrom": {
                    "secretKeyRef": {"name": "s", "key": "k"},
                    "configMapKeyRef": {"name": "c", "key": "k"},
                },
            },
            "valueFrom needs exactly one of secretKeyRef",
        ),
        ({"name": "not a name", "value": "1"}, "spec.services.payment.env[0].name"),
    ],
    ids=["value-and-ref", "two-sources", "bad-name"],
)
def test_context_env_entries_are_checked(
    kube: Client, namespace: str, entry: dict[str, Any], expected: str
) -> None:
    body = sample_body("env", namespace, services={"payment": {"env": [entry]}})
    assert expected in _rejection(kube, body)


def test_duplicate_env_names_are_refused(kube: Client, namespace: str) -> None:
    env = [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]
    body = sample_body("env-twice", namespace, services={"payment": {"env": env}})
    assert "Duplicate value" in _rejection(kube, body)


def test_notification_settings_and_env_are_accepted(kube: Client, namespace: str) -> None:
    notification = {
        "channel": "smtp",
        "smtp": {
            "host": "mail.example.com",
            "usernameSecretKeyRef": {"name": "smtp", "key": "username"},
            "passwordSecretKeyRef": {"name": "smtp", "key": "password"},
            "password": "plain",  # no such field: the API server prunes it
        },
        "env": [
            {"name": "SHOP_LOG_LEVEL", "value": "DEBUG"},
            {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        ],
    }
    body = sample_body("notify-ok", namespace, services={"notification": notification})
    spec = create_platform(kube, body)["spec"]["services"]["notification"]
    assert spec["smtp"]["port"] == 587
    assert spec["smtp"]["starttls"] is True
    assert "password" not in spec["smtp"]
    assert spec["env"][1]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"


@pytest.mark.parametrize(
    ("outbox", "expected"),
    [
        ({"mode": "connect-rest"}, "outbox.mode connect-rest needs outbox.connectRest"),
        (
            {
                "mode": "connect-rest",
                "connectRest": {"url": "http://connect:8083", "databaseUser": "${env:U}"},
            },
            "needs both databaseUser and databasePassword",
        ),
        (
            {
                "mode": "connect-rest",
                "connectRest": {
                    "url": "http://connect:8083",
                    "databaseUser": "shop",
                    "databasePassword": "plain-text",
                },
            },
            "spec.outbox.connectRest.databasePassword",
        ),
    ],
    ids=["no-settings", "half-credentials", "plain-password"],
)
def test_connect_rest_settings_are_checked(
    kube: Client, namespace: str, outbox: dict[str, Any], expected: str
) -> None:
    body = sample_body("rest", namespace, outbox=outbox)
    assert expected in _rejection(kube, body)
