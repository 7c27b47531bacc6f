"""Settings of notification's processes (`SHOP_NOTIFICATION_*`, falling back to `SHOP_*`)."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from shop.common.auth.token_client import OAuthClient
from shop.common.consumer.settings import PACED
from shop.common.process_settings import ContextProcessSettings


class NotificationSettings(ContextProcessSettings):
    context = "notification"
    consumer_defaults = PACED  # off the saga's path: paced fetches (ADR 0007)
    model_config = SettingsConfigDict(env_prefix="SHOP_NOTIFICATION_", extra="ignore", frozen=True)

    service_name: str = "notification"
    channel: Literal["log", "smtp", "webhook"] = "log"
    smtp_host: str = ""
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_sender: str = "shop@localhost"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    webhook_url: str = ""
    ordering_url: str = Field("", description="Ordering API for order lookups (empty: none)")
    token_url: str = Field("", description="token endpoint for the lookups' client credentials")
    client_id: str = ""
    client_secret: SecretStr | None = None
    token_scopes: str = Field(
        "openid groups audience:server:client_id:shopkeeper",
        description="what the lookups' tokens ask for (the APIs' audience)",
    )
    lookup_timeout_seconds: float = Field(2.0, gt=0, le=30)
    delivery_attempts: int = Field(3, ge=1, le=10)
    delivery_initial_delay_seconds: float = Field(0.5, ge=0, le=60)
    delivery_max_delay_seconds: float = Field(5.0, ge=0, le=300)
    breaker_failure_threshold: int = Field(5, ge=1, le=1000)
    breaker_reset_seconds: float = Field(30.0, gt=0, le=3600)

    @model_validator(mode="after")
    def _channel_is_configured(self) -> Self:
        if self.channel == "smtp" and not self.smtp_host:
            raise ValueError("channel smtp needs smtp_host")
        if self.channel == "webhook" and not self.webhook_url:
            raise ValueError("channel webhook needs webhook_url")
        if self.ordering_url and not (self.token_url and self.client_id and self.client_secret):
            raise ValueError("ordering_url needs token_url, client_id and client_secret")
        if self.delivery_max_delay_seconds < self.delivery_initial_delay_seconds:
            raise ValueError("delivery_max_delay_seconds must be >= the initial delay")
        return self

    def oauth_client(self) -> OAuthClient:
        """The confidential client the order lookups get their tokens as."""
        secret = self.client_secret.get_secret_value() if self.client_secret else ""
        return OAuthClient(self.token_url, self.client_id, secret, self.token_scopes.split())
