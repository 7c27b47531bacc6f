"""The storefront and admin web app: one Deployment serving the built app at the exposure's `/`."""

from __future__ import annotations

from pydantic import Field

from shopkeeper.api.base import ApiModel, Resources
from shopkeeper.api.notification import URL_PATTERN


class WebSpec(ApiModel):
    """`shop run storefront-web` (the image's built web app and its `/config.json`), published
    at `/` of the exposure's host, next to the APIs at `/api/<context>`."""

    enabled: bool = False
    """Run the web app (it needs `exposure` to be reached, and `auth` for logins)."""
    replicas: int = Field(1, ge=0, le=20)
    """Pods."""
    resources: Resources = Resources()
    """Container resources."""
    client_id: str = Field("shopkeeper-web", min_length=1, max_length=253)
    """The OIDC provider's public client of the app (authorization code with PKCE)."""
    authority: str | None = Field(None, pattern=URL_PATTERN, max_length=2048)
    """The issuer browsers log in at (default: `auth.issuer`)."""
    scope: str | None = Field(None, min_length=1, max_length=512)
    """The scopes the app asks for (default: `openid profile email groups` and Dex's
    `audience:server:client_id:<auth.audience>`, so its tokens name the APIs' audience)."""
    admin_role: str | None = Field(None, min_length=1, max_length=253)
    """The `groups` entry that shows the admin pages (default: `auth.adminGroup`)."""
