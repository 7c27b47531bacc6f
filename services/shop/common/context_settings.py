"""Settings a shared component reads for the context it serves, rather than a process's own.

A unit of work's inbox, a context's consumer: each reads `SHOP_<CONTEXT>_<FIELD>` first, then the
shop-wide `SHOP_<FIELD>`, like every shop setting (see `shop.common.settings`).

    class ConsumerSettings(ContextSettings):
        description = "consumer settings"
        consumer_max_attempts: int = Field(5, ge=1)

    ConsumerSettings.for_schema("ordering")   # SHOP_ORDERING_CONSUMER_MAX_ATTEMPTS, else SHOP_...
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import ValidationError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from shop.common.outbox import require_schema_name
from shop.common.settings_errors import SHOP_PREFIX, SettingsError


class ContextSettings(BaseSettings):
    """Base of per-context settings; build them with `for_schema`."""

    model_config = SettingsConfigDict(env_prefix=SHOP_PREFIX, extra="ignore", frozen=True)

    description: ClassVar[str] = "context settings"
    """What the settings are, for the error a bad value raises (`invalid <description>: ...`)."""

    @classmethod
    def for_schema(cls, schema: str, **values: Any) -> Self:
        """Settings of the context owning `schema`; `values` win over the environment.

        Raises `SettingsError` naming the variables of every invalid value.
        """
        prefix = context_prefix(schema)
        try:
            return cls(_env_prefix=prefix, **values)
        except ValidationError as err:
            raise SettingsError(cls._describe(err, prefix)) from None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        shop_wide = EnvSettingsSource(settings_cls, env_prefix=SHOP_PREFIX)
        return init_settings, env_settings, shop_wide

    @classmethod
    def _describe(cls, err: ValidationError, prefix: str) -> str:
        problems = []
        for error in err.errors(include_input=False, include_url=False):
            field = str(error["loc"][0]).upper() if error["loc"] else ""
            problems.append(f"{prefix}{field} (or {SHOP_PREFIX}{field}): {error['msg']}")
        return f"invalid {cls.description}: " + "; ".join(problems)


def context_prefix(schema: str) -> str:
    """`SHOP_<SCHEMA>_`: the prefix of the settings of the context owning `schema`."""
    return f"{SHOP_PREFIX}{require_schema_name(schema).upper()}_"
