"""Settings of the web app's server (`SHOP_STOREFRONT_*`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shop.common.settings_errors import SettingsError


class StorefrontSettings(BaseSettings):
    """Where the built app is, where it listens, and what its `/config.json` says."""

    model_config = SettingsConfigDict(env_prefix="SHOP_STOREFRONT_", extra="ignore", frozen=True)

    dist_dir: Path = Field(description="the web app as `make web` builds it (web/dist)")
    http_host: str = "127.0.0.1"
    http_port: int = Field(8080, ge=1, le=65535)
    shutdown_timeout_seconds: float = Field(5.0, gt=0, le=60)
    api_base: str = Field("/api", description="prefix of `<api_base>/<context>/...` (the gateway)")
    oidc_authority: str | None = Field(None, description="the OIDC issuer; unset: no login")
    oidc_client_id: str = Field("shopkeeper-web", description="the public client (PKCE)")
    oidc_scope: str = "openid profile email"
    oidc_role_claim: str = Field("groups", description="the token claim that lists roles")
    oidc_admin_role: str = "admin"

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as err:
            raise SettingsError(f"invalid storefront settings: {err}") from None

    @field_validator("dist_dir")
    @classmethod
    def _built(cls, value: Path) -> Path:
        if not (value / "index.html").is_file():
            raise ValueError(f"{value} holds no index.html: build the web app (`make web`)")
        return value

    def web_config(self) -> dict[str, Any]:
        """The body of `/config.json` (web/src/config.ts reads it)."""
        oidc = None
        if self.oidc_authority:
            oidc = {
                "authority": self.oidc_authority,
                "clientId": self.oidc_client_id,
                "scope": self.oidc_scope,
                "roleClaim": self.oidc_role_claim,
                "adminRole": self.oidc_admin_role,
            }
        return {"apiBase": self.api_base, "apis": {}, "oidc": oidc}
