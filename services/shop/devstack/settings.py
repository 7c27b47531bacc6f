"""Settings of `shop up` (`SHOP_DEVSTACK_*`; the database and Kafka from the shop's `SHOP_*`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shop.common.database_socket import over_unix_socket
from shop.common.settings import postgres_url
from shop.common.settings_errors import SettingsError
from shop.devstack.identity import Identity
from shop.devstack.plan import Layout, OutboxMode
from shop.topology import CONTEXTS

_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


class UpSettings(BaseSettings):
    """What `shop up` runs, on which infrastructure, and how it reports."""

    model_config = SettingsConfigDict(
        env_prefix="SHOP_DEVSTACK_", extra="ignore", frozen=True, populate_by_name=True
    )

    database_url: str = Field(validation_alias="SHOP_DATABASE_URL", repr=False)
    database_socket_dir: Path | None = Field(
        None,
        description="the Unix socket directory of that PostgreSQL, on this machine: the shop's"
        " processes and migrations connect there instead of over TCP (Debezium keeps TCP)",
    )
    kafka_bootstrap_servers: str = Field(
        validation_alias="SHOP_KAFKA_BOOTSTRAP_SERVERS", min_length=1
    )
    outbox: OutboxMode = Field(OutboxMode.RELAY, validation_alias="SHOP_OUTBOX_MODE")
    kafka_connect_url: str | None = Field(None, validation_alias="SHOP_KAFKA_CONNECT_URL")
    layout: Layout = Field(Layout.SPLIT, description="a process per role, or one per context")
    contexts: tuple[str, ...] = CONTEXTS
    workdir: Path | None = Field(None, description="logs go to <workdir>/logs (default: new)")
    state_file: Path | None = Field(None, description="default: $SHOPKEEPER_CACHE/shop-up.json")
    partitions: int = Field(3, ge=1, le=64)
    seed: bool = True
    ready_timeout_seconds: float = Field(240, gt=0, le=3600)
    payment_failure_rate: float | None = Field(None, ge=0, le=1)
    env: dict[str, str] = Field(default_factory=dict, description="extra variables, every process")
    identity: Identity | None = Field(None, description="the OIDC provider and the gateway")
    web_dist: Path | None = Field(None, description="the built web app (web/dist): serve it")
    scrape_targets_file: Path | None = Field(
        None, description="write every process's /metrics address here (Prometheus file_sd)"
    )
    backends: dict[str, str] = Field(
        default_factory=dict, description="name -> URL of the metrics and trace backends (status)"
    )

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as err:
            raise SettingsError(_describe(err)) from None
        if self.outbox is OutboxMode.DEBEZIUM and not self.kafka_connect_url:
            raise SettingsError("outbox debezium needs SHOP_KAFKA_CONNECT_URL (a Connect REST URL)")
        try:
            self.processes_database_url()
        except ValueError as err:
            raise SettingsError(f"SHOP_DEVSTACK_DATABASE_SOCKET_DIR: {err}") from None

    def processes_database_url(self) -> str:
        """The administrator's URL as the shop's processes and migrations connect with it: over
        the Unix socket in `database_socket_dir` if set, else `database_url` itself (TCP)."""
        if self.database_socket_dir is None:
            return self.database_url
        return over_unix_socket(self.database_url, self.database_socket_dir)

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str) -> str:
        url = postgres_url(value)
        if not url.database:
            raise ValueError("must be a PostgreSQL URL with a database name")
        return url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)

    @field_validator("contexts")
    @classmethod
    def _known_contexts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(CONTEXTS))
        if unknown or not value:
            raise ValueError(f"choose from {', '.join(CONTEXTS)} (unknown: {unknown or 'none'})")
        return tuple(context for context in CONTEXTS if context in value)

    @field_validator("env")
    @classmethod
    def _env_names(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [name for name in value if not _ENV_NAME.match(name)]
        if bad:
            raise ValueError(f"not environment variable names: {', '.join(bad)}")
        return value


def _describe(err: ValidationError) -> str:
    """One line naming each bad setting's variable, never echoing values (they hold secrets)."""
    problems = []
    for error in err.errors(include_input=False, include_url=False):
        name = str(error["loc"][0]) if error["loc"] else ""
        field = UpSettings.model_fields.get(name)
        alias = field.validation_alias if field is not None else name
        variable = alias if isinstance(alias, str) else f"SHOP_DEVSTACK_{name.upper()}"
        if error["type"] == "missing":
            problems.append(f"{variable} is required but not set")
        else:
            problems.append(f"{variable}: {error['msg']}")
    return "invalid settings for shop up: " + "; ".join(problems)
