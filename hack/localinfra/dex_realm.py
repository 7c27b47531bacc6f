"""Who exists in the local stack's identity provider: the shop's OIDC clients and demo users.

Pure: `dex_config()` turns a `Realm` into Dex's configuration (JSON is YAML, Dex reads either).
The APIs accept tokens whose audience is `API_AUDIENCE`; every other client asks for it with the
cross-client scope `audience:server:client_id:shopkeeper` (the API client trusts them as peers).
Roles travel in the `groups` claim: `ADMIN_GROUP` for admins, `SERVICE_GROUP` for services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

API_AUDIENCE = "shopkeeper"
WEB_CLIENT = "shopkeeper-web"
DEMO_CLIENT = "shopkeeper-demo"
NOTIFICATION_CLIENT = "shopkeeper-notification"
ADMIN_GROUP = "shopkeeper-admin"
SERVICE_GROUP = "shopkeeper-service"
AUDIENCE_SCOPE = f"audience:server:client_id:{API_AUDIENCE}"
# What a client asks for to call the APIs: the audience, the roles, and who the user is.
API_SCOPES = ("openid", "profile", "email", "groups", AUDIENCE_SCOPE)
PASSWORD_CONNECTOR = "local"

CUSTOMER_EMAIL = "customer@shopkeeper.dev"
CUSTOMER_PASSWORD = "shopkeeper-customer"
ADMIN_EMAIL = "admin@shopkeeper.dev"
ADMIN_PASSWORD = "shopkeeper-admin"
# bcrypt (cost 10) of the two demo passwords above; Dex stores only hashes.
_HASHES = {
    CUSTOMER_PASSWORD: "$2a$10$EAuNFnlmdtP/pqv2v..5b.sEvAKv1PQNrCEfgyedJC7Qt27llqczW",
    ADMIN_PASSWORD: "$2a$10$j98tZ18/7YMWqJspAdxi5e6MikWUysw4LSEjvpTyiuUMWsA/E0ioy",
}
DEFAULT_EXTRA_CUSTOMERS = 32


@dataclass(frozen=True)
class User:
    """A local Dex user; `user_id` fixes the token subject Dex derives from it."""

    email: str
    password: str
    user_id: str
    groups: tuple[str, ...] = ()

    def as_dex(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "hash": _HASHES[self.password],
            "username": self.email.partition("@")[0],
            "userID": self.user_id,
            "groups": list(self.groups),
        }


def numbered_customer(index: int) -> User:
    """`customer-07@shopkeeper.dev`: the demo, the bench and the tests log in as these."""
    name = f"customer-{index:02d}"
    return User(f"{name}@shopkeeper.dev", CUSTOMER_PASSWORD, name)


def demo_users(extra_customers: int = DEFAULT_EXTRA_CUSTOMERS) -> tuple[User, ...]:
    """The admin, the demo customer, and `extra_customers` numbered customers."""
    return (
        User(ADMIN_EMAIL, ADMIN_PASSWORD, "admin", (ADMIN_GROUP,)),
        User(CUSTOMER_EMAIL, CUSTOMER_PASSWORD, "customer"),
        *(numbered_customer(i) for i in range(1, extra_customers + 1)),
    )


@dataclass(frozen=True)
class Realm:
    """The clients and users of one Dex; secrets are generated per start by the launcher."""

    issuer: str
    web_origins: tuple[str, ...]
    secrets: dict[str, str]
    users: tuple[User, ...] = field(default_factory=demo_users)
    id_token_lifetime: str = "1h"
    signing_key_lifetime: str = "6h"

    def redirect_uris(self) -> list[str]:
        """The storefront's and the admin's callbacks on every origin the web app is served on."""
        return [f"{o.rstrip('/')}{path}" for o in self.web_origins for path in ("/callback", "/")]

    def clients(self) -> list[dict[str, Any]]:
        peers = [WEB_CLIENT, DEMO_CLIENT, NOTIFICATION_CLIENT]
        return [
            _confidential(API_AUDIENCE, "Shopkeeper APIs", self.secrets[API_AUDIENCE])
            | {"trustedPeers": peers},
            {
                "id": WEB_CLIENT,
                "name": "Shopkeeper storefront and admin",
                "public": True,
                "redirectURIs": self.redirect_uris(),
                "postLogoutRedirectURIs": [o.rstrip("/") + "/" for o in self.web_origins],
            },
            _confidential(DEMO_CLIENT, "shop demo, bench, tests", self.secrets[DEMO_CLIENT])
            | {"clientCredentialsClaims": {"groups": [ADMIN_GROUP]}},
            _confidential(NOTIFICATION_CLIENT, "notification", self.secrets[NOTIFICATION_CLIENT])
            | {"clientCredentialsClaims": {"groups": [SERVICE_GROUP]}},
        ]


def _confidential(client_id: str, name: str, secret: str) -> dict[str, Any]:
    return {"id": client_id, "name": name, "secret": secret, "redirectURIs": []}


def dex_config(realm: Realm, listen: str) -> dict[str, Any]:
    """Dex's configuration: in-memory storage, the password DB, every grant the shop uses."""
    return {
        "issuer": realm.issuer,
        "storage": {"type": "memory"},
        "web": {"http": listen, "allowedOrigins": list(realm.web_origins)},
        "logger": {"level": "info", "format": "text"},
        "oauth2": {
            "grantTypes": ["authorization_code", "refresh_token", "password", "client_credentials"],
            "responseTypes": ["code"],
            "skipApprovalScreen": True,
            "passwordConnector": PASSWORD_CONNECTOR,
            "pkce": {"enforce": True, "codeChallengeMethodsSupported": ["S256"]},
        },
        "expiry": {
            "idTokens": realm.id_token_lifetime,
            "signingKeys": realm.signing_key_lifetime,
        },
        "enablePasswordDB": True,
        "staticPasswords": [user.as_dex() for user in realm.users],
        "staticClients": realm.clients(),
    }
