"""Settings of the token checks (`SHOP_AUTH_*`): whose tokens, for whom, and the role groups."""

from __future__ import annotations

from typing import Any, Self

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shop.common.settings_errors import SettingsError, describe_validation_error


class AuthSettings(BaseSettings):
    """The issuer whose JWTs are accepted, the audience they must name, where the keys are."""

    model_config = SettingsConfigDict(env_prefix="SHOP_AUTH_", extra="ignore", frozen=True)

    issuer: str = Field(min_length=1, description="the `iss` every token must carry")
    audience: str = Field(min_length=1, description="an `aud` every token must name")
    jwks_url: str = Field("", description="default: the issuer's discovery document's jwks_uri")
    admin_group: str = "shopkeeper-admin"
    service_group: str = "shopkeeper-service"
    algorithms: tuple[str, ...] = ("RS256", "ES256")
    leeway_seconds: float = Field(30, ge=0, le=300, description="clock skew tolerated")
    jwks_refresh_seconds: float = Field(
        10, ge=0, le=3600, description="at most one JWKS refetch per this (unknown kid)"
    )
    jwks_timeout_seconds: float = Field(5, gt=0, le=60)

    @field_validator("issuer", "jwks_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @classmethod
    def from_env(cls, **values: Any) -> Self:
        """The settings from `SHOP_AUTH_*`; `SettingsError` naming each bad variable."""
        try:
            return cls(**values)
        except ValidationError as err:
            raise SettingsError(describe_validation_error(err, cls)) from None
