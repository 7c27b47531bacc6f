"""Who may call the shop's APIs: the OIDC issuer and audience their tokens must carry."""

from __future__ import annotations

from pydantic import Field

from shopkeeper.api.base import ApiModel, DnsSubdomain
from shopkeeper.api.notification import URL_PATTERN

CLIENT_ID_KEY, CLIENT_SECRET_KEY = "client-id", "client-secret"


class AuthSpec(ApiModel):
    """OIDC token checks of every API, and the client credentials of service-to-service calls."""

    issuer: str = Field(pattern=URL_PATTERN, max_length=2048)
    """The `iss` every access token must carry (its discovery document is
    `<issuer>/.well-known/openid-configuration`)."""
    audience: str = Field("shopkeeper", min_length=1, max_length=253)
    """An `aud` every access token must name."""
    jwks_url: str | None = Field(None, pattern=URL_PATTERN, max_length=2048)
    """The signing keys (default: the discovery document's `jwks_uri`), e.g. an in-cluster URL
    of the provider when the issuer's host is not reachable from the pods."""
    token_url: str | None = Field(None, pattern=URL_PATTERN, max_length=2048)
    """Token endpoint for the services' client credentials (default: `<issuer>/token`, Dex's)."""
    admin_group: str = Field("shopkeeper-admin", min_length=1, max_length=253)
    """The `groups` entry of admins."""
    service_group: str = Field("shopkeeper-service", min_length=1, max_length=253)
    """The `groups` entry of the shop's own services."""
    client_credentials_secret: DnsSubdomain | None = None
    """Secret with `client-id` and `client-secret`: notification looks orders up in ordering
    as this client. Unset: no lookups (notifications use the events' data)."""

    def token_endpoint(self) -> str:
        return self.token_url or f"{self.issuer.rstrip('/')}/token"
