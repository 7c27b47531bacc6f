"""The settings a deployed service needs reach its containers, named as the service reads them."""

import os
import re
from typing import Any

import pytest
from pydantic import ValidationError

from shop.catalog.settings import CatalogSettings
from shop.notification.settings import NotificationSettings
from shop.ordering.settings import OrderingSettings
from shopkeeper.builders.platform import build_all
from shopkeeper.topics import CONTEXTS
from unit.operator.operator_support import build_input, by_kind, spec_from

SECRETS = {
    ("smtp-login", "user"): "mailer",
    ("smtp-login", "pass"): "s3cret-Mail-pw",
    ("hooks", "url"): "https://hooks.example.com/T0KEN",
    **{(f"shop-db-{ctx}", "username"): f"shop_{ctx}" for ctx in CONTEXTS},
    **{(f"shop-db-{ctx}", "password"): "db-Pw-4711" for ctx in CONTEXTS},
    ("shop-oidc-client", "client-id"): "shopkeeper-notification",
    ("shop-oidc-client", "client-secret"): "oidc-S3cret",
}
AUTH = {"issuer": "https://id.example.com/dex", "clientCredentialsSecret": "shop-oidc-client"}
SMTP = {
    "channel": "smtp",
    "smtp": {
        "host": "mail.example.com",
        "port": 2525,
        "sender": "orders@example.com",
        "starttls": False,
        "usernameSecretKeyRef": {"name": "smtp-login", "key": "user"},
        "passwordSecretKeyRef": {"name": "smtp-login", "key": "pass"},
    },
}


def _containers(manifests: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    deployment = by_kind(manifests, "Deployment")[name]
    return deployment["spec"]["template"]["spec"]["containers"]  # type: ignore[no-any-return]


def _resolved(container: dict[str, Any], config: dict[str, str]) -> dict[str, str]:
    """What the kubelet gives the process: envFrom, then env (Secret keys read, $(VAR) expanded)."""
    env = dict(config)
    for entry in container["env"]:
        if "valueFrom" in entry:
            ref = entry["valueFrom"]["secretKeyRef"]
            value = SECRETS[(ref["name"], ref["key"])]
        else:
            value = re.sub(r"\$\((\w+)\)", lambda m: env[m.group(1)], entry["value"])
        env[entry["name"]] = value
    return env


def _notification_settings(
    spec: dict[str, Any], monkeypatch: pytest.MonkeyPatch, auth: dict[str, Any] | None = None
) -> NotificationSettings:
    platform = spec_from(services={"notification": spec}, auth=AUTH if auth is None else auth)
    manifests = build_all(build_input(platform))
    config = by_kind(manifests, "ConfigMap")["shop-config"]["data"]
    [worker] = _containers(manifests, "shop-notification-worker")
    for name in [n for n in os.environ if n.startswith(("SHOP_", "OTEL_"))]:
        monkeypatch.delenv(name)
    for name, value in _resolved(worker, config).items():
        monkeypatch.setenv(name, value)
    return NotificationSettings()


def test_smtp_channel_reaches_notification_with_secret_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = _notification_settings(SMTP, monkeypatch)
    assert settings.channel == "smtp"
    assert (settings.smtp_host, settings.smtp_port) == ("mail.example.com", 2525)
    assert settings.smtp_sender == "orders@example.com"
    assert settings.smtp_starttls is False
    assert settings.smtp_username == "mailer"
    assert settings.smtp_password is not None
    assert settings.smtp_password.get_secret_value() == "s3cret-Mail-pw"


def test_credentials_are_secret_references_not_values() -> None:
    manifests = build_all(build_input(spec_from(services={"notification": SMTP})))
    [worker] = _containers(manifests, "shop-notification-worker")
    env = {e["name"]: e for e in worker["env"]}
    assert env["SHOP_NOTIFICATION_SMTP_PASSWORD"] == {
        "name": "SHOP_NOTIFICATION_SMTP_PASSWORD",
        "valueFrom": {"secretKeyRef": {"name": "smtp-login", "key": "pass"}},
    }
    assert "s3cret" not in str(manifests)


def test_ordering_lookup_defaults_to_the_in_cluster_ordering_api(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = _notification_settings({}, monkeypatch)
    assert settings.channel == "log"
    assert settings.ordering_url == "http://shop-ordering-api.shop-ns.svc"
    services = by_kind(build_all(build_input(spec_from())), "Service")
    assert "shop-ordering-api" in services
    assert services["shop-ordering-api"]["spec"]["ports"][0]["port"] == 80


def test_lookups_carry_the_client_credentials_of_the_auth_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = _notification_settings({}, monkeypatch)
    assert settings.token_url == "https://id.example.com/dex/token"
    assert settings.client_id == "shopkeeper-notification"
    assert settings.client_secret is not None
    assert settings.client_secret.get_secret_value() == "oidc-S3cret"


def test_without_client_credentials_notification_looks_nothing_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = _notification_settings({}, monkeypatch, auth={"issuer": "https://id.example.com"})
    assert settings.ordering_url == ""


def test_every_process_reads_the_issuer_and_audience_from_the_config_map() -> None:
    spec = spec_from(auth={**AUTH, "jwksUrl": "http://dex.id.svc:5556/dex/keys"})
    config = by_kind(build_all(build_input(spec)), "ConfigMap")["shop-config"]["data"]
    assert config["SHOP_AUTH_ISSUER"] == "https://id.example.com/dex"
    assert config["SHOP_AUTH_AUDIENCE"] == "shopkeeper"
    assert config["SHOP_AUTH_JWKS_URL"] == "http://dex.id.svc:5556/dex/keys"
    assert config["SHOP_AUTH_ADMIN_GROUP"] == "shopkeeper-admin"


def test_webhook_url_may_come_from_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = {
        "channel": "webhook",
        "webhook": {"urlSecretKeyRef": {"name": "hooks", "key": "url"}},
        "orderingUrl": "http://ordering.internal:8000",
    }
    settings = _notification_settings(spec, monkeypatch)
    assert settings.webhook_url == "https://hooks.example.com/T0KEN"
    assert settings.ordering_url == "http://ordering.internal:8000"


def test_context_env_reaches_every_process_of_that_context_only() -> None:
    env = [
        {"name": "SHOP_LOG_LEVEL", "value": "DEBUG"},
        {"name": "SHOP_CATALOG_TOKEN", "valueFrom": {"secretKeyRef": {"name": "t", "key": "k"}}},
        {"name": "SHOP_SERVICE_NAME", "value": "catalog-custom"},
    ]
    manifests = build_all(build_input(spec_from(services={"catalog": {"env": env}})))
    [migrations] = by_kind(manifests, "Job").values()
    catalog = [
        *_containers(manifests, "shop-catalog-api"),
        *_containers(manifests, "shop-catalog-worker"),
        *_containers(manifests, "shop-catalog-relay"),
        next(
            c
            for c in migrations["spec"]["template"]["spec"]["containers"]
            if "catalog" in c["name"]
        ),
    ]
    for container in catalog:
        names = [e["name"] for e in container["env"]]
        assert len(names) == len(set(names)), names  # server-side apply refuses duplicates
        by_name = {e["name"]: e for e in container["env"]}
        assert by_name["SHOP_LOG_LEVEL"]["value"] == "DEBUG"
        assert by_name["SHOP_CATALOG_TOKEN"]["valueFrom"]["secretKeyRef"]["key"] == "k"
        assert by_name["SHOP_SERVICE_NAME"]["value"] == "catalog-custom"
        assert names.index("SHOP_SERVICE_NAME") == 0  # replaced in place
    [basket] = _containers(manifests, "shop-basket-api")
    assert "SHOP_LOG_LEVEL" not in {e["name"] for e in basket["env"]}


def test_duplicate_env_names_are_refused() -> None:
    env = [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]
    with pytest.raises(ValidationError, match="env names must be unique: A"):
        spec_from(services={"payment": {"env": env}})


def test_smtp_channel_without_smtp_settings_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"channel smtp needs services\.notification\.smtp"):
        spec_from(services={"notification": {"channel": "smtp"}})


def test_a_redis_url_in_the_spec_reaches_the_catalog_api_and_worker_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = spec_from(services={"catalog": {"redisUrl": "redis://shop-redis.shop-ns.svc:6379/0"}})
    manifests = build_all(build_input(spec))
    config = by_kind(manifests, "ConfigMap")["shop-config"]["data"]
    for name in [n for n in os.environ if n.startswith(("SHOP_", "OTEL_"))]:
        monkeypatch.delenv(name)
    for deployment in ("shop-catalog-api", "shop-catalog-worker"):
        [container] = _containers(manifests, deployment)
        for name, value in _resolved(container, config).items():
            monkeypatch.setenv(name, value)
        assert CatalogSettings().redis_url == "redis://shop-redis.shop-ns.svc:6379/0"
    [ordering] = _containers(manifests, "shop-ordering-api")
    assert all("REDIS" not in entry["name"] for entry in ordering["env"])


def test_without_a_redis_url_the_catalog_caches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    manifests = build_all(build_input(spec_from()))
    [api] = _containers(manifests, "shop-catalog-api")
    assert all(entry["name"] != "SHOP_CATALOG_REDIS_URL" for entry in api["env"])


def test_a_redis_url_must_be_a_redis_url() -> None:
    with pytest.raises(ValidationError, match="redis"):
        spec_from(services={"catalog": {"redisUrl": "http://cache:6379"}})


def test_the_fraud_threshold_of_the_spec_reaches_the_ordering_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = spec_from(services={"ordering": {"fraud": {"threshold": 45}}})
    manifests = build_all(build_input(spec))
    config = by_kind(manifests, "ConfigMap")["shop-config"]["data"]
    for name in [n for n in os.environ if n.startswith(("SHOP_", "OTEL_"))]:
        monkeypatch.delenv(name)
    [worker] = _containers(manifests, "shop-ordering-worker")
    for name, value in _resolved(worker, config).items():
        monkeypatch.setenv(name, value)
    assert OrderingSettings().fraud_rules.threshold == 45


def test_the_default_fraud_threshold_is_the_services_own() -> None:
    [worker] = _containers(build_all(build_input(spec_from())), "shop-ordering-worker")
    [threshold] = [e for e in worker["env"] if e["name"] == "SHOP_ORDERING_FRAUD_THRESHOLD"]
    assert threshold["value"] == str(OrderingSettings.model_fields["fraud_threshold"].default)


def test_a_fraud_threshold_must_be_positive() -> None:
    with pytest.raises(ValidationError, match="threshold"):
        spec_from(services={"ordering": {"fraud": {"threshold": 0}}})
