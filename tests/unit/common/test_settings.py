"""Settings: read from the environment, refusing missing, invalid and placeholder values."""

import os

import pytest
from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from shop.common.settings import ServiceSettings, SettingsError


class CatalogSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SHOP_CATALOG_")

    payment_api_key: SecretStr = SecretStr("changeme")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("SHOP_", "OTEL_")):
            monkeypatch.delenv(name)


def set_required(monkeypatch: pytest.MonkeyPatch, password: str = "s3cr3t-enough") -> None:
    monkeypatch.setenv("SHOP_DATABASE_URL", f"postgresql://shop:{password}@db:5432/catalog")
    monkeypatch.setenv("SHOP_KAFKA_BOOTSTRAP_SERVERS", "kafka-0:9092, kafka-1:9092")


def test_missing_values_are_named_by_their_variables_in_one_line() -> None:
    with pytest.raises(SettingsError) as refused:
        CatalogSettings()
    message = str(refused.value)
    assert "\n" not in message
    assert "SHOP_CATALOG_DATABASE_URL is required but not set" in message
    assert "SHOP_DATABASE_URL" in message
    assert "SHOP_CATALOG_KAFKA_BOOTSTRAP_SERVERS is required but not set" in message


def test_the_context_prefix_wins_over_the_shop_wide_value(monkeypatch: pytest.MonkeyPatch) -> None:
    set_required(monkeypatch)
    monkeypatch.setenv("SHOP_HTTP_PORT", "8001")
    monkeypatch.setenv("SHOP_CATALOG_HTTP_PORT", "8002")
    monkeypatch.setenv("SHOP_LOG_LEVEL", "DEBUG")

    settings = CatalogSettings()

    assert settings.http_port == 8002
    assert settings.log_level == "DEBUG"
    assert settings.kafka_bootstrap_servers == "kafka-0:9092,kafka-1:9092"


def test_a_bare_postgresql_url_gets_the_asyncpg_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    set_required(monkeypatch)
    assert CatalogSettings().database_url.startswith("postgresql+asyncpg://shop:")


def test_a_non_postgresql_url_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    set_required(monkeypatch)
    monkeypatch.setenv("SHOP_CATALOG_DATABASE_URL", "mysql://shop:pw@db/catalog")
    with pytest.raises(SettingsError, match=r"SHOP_CATALOG_DATABASE_URL: .*PostgreSQL URL"):
        CatalogSettings()


def test_an_invalid_value_is_explained_without_echoing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    set_required(monkeypatch)
    monkeypatch.setenv("SHOP_CATALOG_HTTP_PORT", "hunter2")
    with pytest.raises(SettingsError) as refused:
        CatalogSettings()
    assert "SHOP_CATALOG_HTTP_PORT: Input should be a valid integer" in str(refused.value)
    assert "hunter2" not in str(refused.value)


@pytest.mark.parametrize("placeholder", ["changeme", "secret", "password", "PASSWORD", ""])
def test_a_placeholder_database_password_is_refused_in_production(
    monkeypatch: pytest.MonkeyPatch, placeholder: str
) -> None:
    set_required(monkeypatch, password=placeholder)
    monkeypatch.setenv("SHOP_ENVIRONMENT", "production")
    with pytest.raises(SettingsError, match="SHOP_CATALOG_DATABASE_URL uses a placeholder"):
        CatalogSettings(payment_api_key="a-real-key")


def test_a_placeholder_secret_field_is_refused_in_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    set_required(monkeypatch)
    monkeypatch.setenv("SHOP_CATALOG_ENVIRONMENT", "production")
    with pytest.raises(SettingsError, match="SHOP_CATALOG_PAYMENT_API_KEY is empty or a placeh"):
        CatalogSettings()


def test_placeholders_are_accepted_in_development(monkeypatch: pytest.MonkeyPatch) -> None:
    set_required(monkeypatch, password="changeme")
    settings = CatalogSettings()
    assert settings.environment == "development"
    assert settings.database.password == "changeme"


def test_real_secrets_are_accepted_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    set_required(monkeypatch)
    monkeypatch.setenv("SHOP_ENVIRONMENT", "production")
    monkeypatch.setenv("SHOP_CATALOG_PAYMENT_API_KEY", "pk_live_0123")
    assert CatalogSettings().environment == "production"


def test_an_unknown_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    set_required(monkeypatch)
    monkeypatch.setenv("SHOP_ENVIRONMENT", "staging")
    with pytest.raises(SettingsError, match="SHOP_CATALOG_ENVIRONMENT: Input should be"):
        CatalogSettings()


def test_the_database_url_is_not_shown_in_the_settings_repr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    set_required(monkeypatch)
    assert "s3cr3t-enough" not in repr(CatalogSettings())


def test_tracing_is_on_when_an_otlp_endpoint_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    set_required(monkeypatch)
    assert not CatalogSettings().otel_enabled
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    assert CatalogSettings().otel_enabled
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert not CatalogSettings().otel_enabled


def test_settings_are_immutable(monkeypatch: pytest.MonkeyPatch) -> None:
    set_required(monkeypatch)
    settings = CatalogSettings()
    with pytest.raises(ValueError, match="frozen"):
        settings.http_port = 1  # type: ignore[misc]
