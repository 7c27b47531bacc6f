"""The local shop's front door: the gateway on one origin, with Dex behind it at `/dex`.

The gateway starts first so Dex's issuer can be the gateway's origin: the storefront, the APIs
and the login pages share that origin, and tokens name it as their issuer.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from localinfra.dex import Dex
from localinfra.dex_realm import (
    ADMIN_GROUP,
    API_AUDIENCE,
    API_SCOPES,
    CUSTOMER_PASSWORD,
    DEMO_CLIENT,
    NOTIFICATION_CLIENT,
    WEB_CLIENT,
    User,
)
from localinfra.gateway import Gateway
from localinfra.gateway_routes import gateway_config

if TYPE_CHECKING:
    from shop.devstack.identity import Identity

DEFAULT_GATEWAY_PORT = 8080


@dataclass(frozen=True)
class FrontDoor:
    gateway: Gateway
    dex: Dex

    def publish_apis(
        self, apis: dict[str, str], *, web_url: str | None = None, wait: bool = True
    ) -> None:
        """Route `/api/<context>` to each API, `/dex` to Dex, and `/` to the web app if any."""
        config = gateway_config(apis, dex_url=self.dex.url, web_url=web_url)
        self.gateway.publish(config, wait=wait)

    def env(self) -> dict[str, str]:
        return {"SHOP_GATEWAY_URL": self.gateway.url, **self.dex.env()}

    def identity(self) -> Identity:
        """What the shop's processes and tools need to know about the provider and the door."""
        from shop.devstack.identity import DemoUser, Identity

        def role(user: User) -> str:
            return "admin" if user.groups else "customer"

        shown = [user for user in self.dex.realm.users if not user.user_id.startswith("customer-")]
        customers = [user.email for user in self.dex.realm.users if not user.groups]
        return Identity(
            gateway_url=self.gateway.url,
            issuer=self.dex.issuer,
            audience=API_AUDIENCE,
            jwks_url=self.dex.jwks_url,
            token_url=self.dex.token_url,
            demo_client_id=DEMO_CLIENT,
            demo_client_secret=self.dex.secrets[DEMO_CLIENT],
            notification_client_id=NOTIFICATION_CLIENT,
            notification_client_secret=self.dex.secrets[NOTIFICATION_CLIENT],
            scopes=API_SCOPES,
            web_client_id=WEB_CLIENT,
            admin_group=ADMIN_GROUP,
            users=tuple(DemoUser(email=u.email, password=u.password, role=role(u)) for u in shown),
            customers=tuple(customers),
            customer_password=CUSTOMER_PASSWORD,
        )


def start_front_door(
    started: contextlib.ExitStack, workdir: Path, *, port: int | None = None
) -> FrontDoor:
    """Start the gateway and Dex behind it (stopped by `started`), `/dex` routed already."""
    gateway = started.enter_context(Gateway(workdir / "gateway", port=port))
    dex = Dex(workdir / "dex", issuer=f"{gateway.url}/dex", web_origins=(gateway.url,))
    started.enter_context(dex)
    gateway.publish(gateway_config({}, dex_url=dex.url))
    return FrontDoor(gateway, dex)
