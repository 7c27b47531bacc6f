"""How `shop up` reaches its identity provider and front door, and how its tools get tokens.

`make up` starts Dex and the gateway (hack/localinfra) and hands them over as an `Identity`:
the APIs get the token checks' settings, the seeding and `shop demo` log in with the demo
client, and the status names the storefront's URL and the demo users.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DemoUser(BaseModel):
    """A user anyone may log in as on a local shop (the passwords are public demo values)."""

    model_config = ConfigDict(frozen=True)

    email: str
    password: str
    role: str


class Identity(BaseModel):
    """The local stack's OIDC provider, its clients, and the gateway in front of the APIs."""

    model_config = ConfigDict(frozen=True)

    gateway_url: str
    issuer: str
    audience: str
    jwks_url: str
    token_url: str
    demo_client_id: str
    demo_client_secret: str = Field(repr=False)
    notification_client_id: str
    notification_client_secret: str = Field(repr=False)
    scopes: tuple[str, ...]
    web_client_id: str = "shopkeeper-web"
    admin_group: str = "shopkeeper-admin"
    users: tuple[DemoUser, ...] = ()
    customers: tuple[str, ...] = Field((), description="logins for the demo's customers")
    customer_password: str = ""

    def api_env(self) -> dict[str, str]:
        """The token checks' settings every API process reads (shop.common.auth)."""
        return {
            "SHOP_AUTH_ISSUER": self.issuer,
            "SHOP_AUTH_AUDIENCE": self.audience,
            "SHOP_AUTH_JWKS_URL": self.jwks_url,
        }

    def notification_env(self) -> dict[str, str]:
        """Client credentials of notification's calls to ordering."""
        return {
            "SHOP_NOTIFICATION_TOKEN_URL": self.token_url,
            "SHOP_NOTIFICATION_CLIENT_ID": self.notification_client_id,
            "SHOP_NOTIFICATION_CLIENT_SECRET": self.notification_client_secret,
            "SHOP_NOTIFICATION_TOKEN_SCOPES": " ".join(self.scopes),
        }

    def storefront_env(self) -> dict[str, str]:
        """The web app's login settings (its `/config.json`, shop.storefront)."""
        return {
            "SHOP_STOREFRONT_OIDC_AUTHORITY": self.issuer,
            "SHOP_STOREFRONT_OIDC_CLIENT_ID": self.web_client_id,
            "SHOP_STOREFRONT_OIDC_SCOPE": " ".join(self.scopes),
            "SHOP_STOREFRONT_OIDC_ROLE_CLAIM": "groups",
            "SHOP_STOREFRONT_OIDC_ADMIN_ROLE": self.admin_group,
        }

    def banner(self) -> list[str]:
        """What the status screen says about the front door and who can log in."""
        lines = [
            f"front door: {self.gateway_url}/  APIs: {self.gateway_url}/api/<context>/...",
            f"OIDC issuer: {self.issuer}  (web client: {self.web_client_id}, PKCE)",
        ]
        lines += [f"  {u.role:<9}{u.email}  password: {u.password}" for u in self.users]
        return lines
