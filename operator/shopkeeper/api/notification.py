"""Notification's delivery channels: SMTP (credentials from Secret keys) and webhooks."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from shopkeeper.api.base import ApiModel, cel
from shopkeeper.api.env import KeySelector

URL_PATTERN = r"^https?://[^\s]+$"


class SmtpSpec(ApiModel):
    """An SMTP server; credentials come from Secret keys, never from the spec."""

    model_config = ConfigDict(
        json_schema_extra=cel(
            (
                "has(self.usernameSecretKeyRef) == has(self.passwordSecretKeyRef)",
                "services.notification.smtp needs both usernameSecretKeyRef and "
                "passwordSecretKeyRef, or neither (no authentication)",
            )
        )
    )

    host: str = Field(min_length=1, max_length=253)
    """SMTP server host name."""
    port: int = Field(587, ge=1, le=65535)
    """SMTP port (587: submission with STARTTLS)."""
    sender: str = Field("shop@localhost", pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)
    """From address of the messages."""
    starttls: bool = True
    """Upgrade the connection with STARTTLS."""
    username_secret_key_ref: KeySelector | None = None
    """Secret key holding the SMTP user name."""
    password_secret_key_ref: KeySelector | None = None
    """Secret key holding the SMTP password."""


class WebhookSpec(ApiModel):
    """An HTTP endpoint each notification is POSTed to as JSON."""

    model_config = ConfigDict(
        json_schema_extra=cel(
            (
                "has(self.url) != has(self.urlSecretKeyRef)",
                "services.notification.webhook needs exactly one of url or urlSecretKeyRef "
                "(for a URL that carries a token)",
            )
        )
    )

    url: str | None = Field(None, pattern=URL_PATTERN, max_length=2048)
    """The endpoint."""
    url_secret_key_ref: KeySelector | None = None
    """A Secret key holding the endpoint, when the URL itself is a credential."""
