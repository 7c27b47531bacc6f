"""Process settings: one pydantic-settings class per process, refusing unsafe values at start.

Every field is read from `<prefix><FIELD>` (the class's `env_prefix`, e.g. `SHOP_CATALOG_`) and,
failing that, from the shop-wide `SHOP_<FIELD>`, so one environment can hold values shared by
all processes while each context overrides its own. Tracing is set by the standard `OTEL_*`
variables, read here as they are (`tracing()`); the OTLP exporter reads its own (headers,
timeouts) as the SDK does.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from shop.common.settings_errors import (
    SHOP_PREFIX,
    SettingsError,
    describe_validation_error,
    env_var,
)
from shop.common.tracing import Tracing

__all__ = ["SHOP_PREFIX", "ServiceSettings", "SettingsError"]
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "changethis", "secret", "password"})

Environment = Literal["development", "production"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class ServiceSettings(BaseSettings):
    """Settings every shop process shares; contexts subclass it with their own `env_prefix`."""

    model_config = SettingsConfigDict(env_prefix=SHOP_PREFIX, extra="ignore", frozen=True)

    environment: Environment = "development"
    service_name: str = Field("shop", min_length=1)
    database_url: str = Field(repr=False, description="SQLAlchemy URL of PostgreSQL")
    database_pool_size: int = Field(5, ge=1, le=100)
    kafka_bootstrap_servers: str = Field(min_length=1, description="host:port[,host:port...]")
    http_host: str = "0.0.0.0"
    http_port: int = Field(8000, ge=1, le=65535)
    log_level: LogLevel = "INFO"
    log_json: bool = True
    readiness_timeout_seconds: float = Field(2.0, gt=0, le=30)
    kafka_request_timeout_seconds: float = Field(
        5.0, gt=0, le=120, description="how long a request waits for the broker before a 503"
    )
    outage_retry_after_seconds: int = Field(
        2, ge=1, le=300, description="Retry-After of a 503 while a dependency is down"
    )
    shutdown_timeout_seconds: float = Field(10.0, gt=0, le=300)
    otel_sdk_disabled: bool = Field(False, validation_alias="OTEL_SDK_DISABLED")
    otel_exporter_otlp_endpoint: str | None = Field(
        None,
        validation_alias=AliasChoices(
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"
        ),
    )
    otel_traces_exporter: str = Field("otlp", validation_alias="OTEL_TRACES_EXPORTER")
    otel_service_name: str | None = Field(None, validation_alias="OTEL_SERVICE_NAME")

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as err:
            raise SettingsError(describe_validation_error(err, type(self))) from None
        if self.environment != "development":
            _refuse_placeholder_secrets(self)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources = [init_settings, env_settings]
        if cls.model_config.get("env_prefix", "").upper() != SHOP_PREFIX:
            sources.append(EnvSettingsSource(settings_cls, env_prefix=SHOP_PREFIX))
        return (*sources, dotenv_settings, file_secret_settings)

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        url = postgres_url(value)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+asyncpg")
        return url.render_as_string(hide_password=False)

    @field_validator("kafka_bootstrap_servers")
    @classmethod
    def _check_bootstrap_servers(cls, value: str) -> str:
        servers = [server.strip() for server in value.split(",")]
        if not all(servers):
            raise ValueError("must be a comma-separated list of host:port")
        return ",".join(servers)

    @property
    def otel_enabled(self) -> bool:
        """Traces are exported when an OTLP endpoint is set, the SDK is not disabled and
        `OTEL_TRACES_EXPORTER` is not `none`."""
        return (
            not self.otel_sdk_disabled
            and bool((self.otel_exporter_otlp_endpoint or "").strip())
            and self.otel_traces_exporter.strip().lower() != "none"
        )

    def tracing(self, service_version: str | None = None) -> Tracing:
        """How this process traces (`shop.common.telemetry.configure_telemetry`)."""
        return Tracing(
            service_name=self.otel_service_name or self.service_name,
            service_version=service_version,
            disabled=self.otel_sdk_disabled,
            export=self.otel_enabled,
        )

    @property
    def database(self) -> URL:
        """The database URL as a SQLAlchemy `URL` (its password is not rendered by `str`)."""
        return make_url(self.database_url)

    @classmethod
    def env_var(cls, field_name: str) -> str:
        """The environment variable that sets `field_name` (its alias, or prefix + name)."""
        return env_var(cls, field_name)


def _refuse_placeholder_secrets(settings: ServiceSettings) -> None:
    password = settings.database.password
    if password is not None and password.strip().lower() in PLACEHOLDER_SECRETS:
        raise SettingsError(
            f"{type(settings).env_var('database_url')} uses a placeholder password; "
            f"set a real secret (environment={settings.environment})"
        )
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr) and value.get_secret_value().strip().lower() in (
            PLACEHOLDER_SECRETS
        ):
            raise SettingsError(
                f"{type(settings).env_var(name)} is empty or a placeholder secret; "
                f"set a real secret (environment={settings.environment})"
            )


def postgres_url(value: str) -> URL:
    """`value` parsed as a PostgreSQL URL; a `ValueError` saying why it is none (never echoing
    it: it may hold a password)."""
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError("is not a URL like postgresql+asyncpg://user:pw@host/db") from None
    if url.get_backend_name() != "postgresql":
        raise ValueError(f"must be a PostgreSQL URL, not {url.get_backend_name()!r}")
    return url
