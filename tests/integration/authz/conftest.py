"""Every API in-process on migrated databases, checking the tokens of a Dex of this module's own.

That Dex's tokens live 30 s and the APIs allow no clock skew, so an expired token is a real one:
signed by the issuer, for the audience, and past its `exp`: it is fetched first, and the tests
that need it run last (by then it has expired). The callers' tokens are fetched again when older
than half their lifetime.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import jwt
import pytest
from fastapi import FastAPI

from infra.fixtures_traefik import start_or_end_session
from integration.context_api import settings_on
from integration.context_db import migrated_engine
from localinfra.dex import Dex
from localinfra.dex_realm import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    API_SCOPES,
    AUDIENCE_SCOPE,
    CUSTOMER_PASSWORD,
    DEMO_CLIENT,
    numbered_customer,
)
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from shop.basket.entrypoints.api import create_basket_app
from shop.basket.settings import BasketSettings
from shop.catalog.entrypoints.api import create_catalog_app
from shop.catalog.settings import CatalogSettings
from shop.common.auth.token_client import OAuthClient, Token
from shop.common.process_settings import ContextProcessSettings
from shop.notification.entrypoints.api import create_notification_app
from shop.notification.settings import NotificationSettings
from shop.ordering.domain import messages as m
from shop.ordering.domain.order_terms import OrderLine, OrderTerms
from shop.ordering.entrypoints.api import create_ordering_app
from shop.ordering.settings import OrderingSettings
from shop.payment.domain import commands as pc
from shop.payment.entrypoints.api import create_payment_app
from shop.payment.settings import PaymentSettings
from shop.reports.entrypoints.api import create_reports_app
from shop.reports.settings import ReportsSettings

TOKEN_SECONDS = 30
NO_AUDIENCE_SCOPES = tuple(scope for scope in API_SCOPES if scope != AUDIENCE_SCOPE)
FACTORIES: dict[str, tuple[type[ContextProcessSettings], Callable[[Any], FastAPI]]] = {
    "catalog": (CatalogSettings, create_catalog_app),
    "basket": (BasketSettings, create_basket_app),
    "ordering": (OrderingSettings, create_ordering_app),
    "payment": (PaymentSettings, create_payment_app),
    "notification": (NotificationSettings, create_notification_app),
    "reports": (ReportsSettings, create_reports_app),
}


@dataclass
class Callers:
    """Fresh tokens of the module's Dex: two customers, the admin, and odd ones."""

    dex: Dex
    _fetched: dict[str, tuple[float, str]] = field(default_factory=dict)

    def client(self, scopes: tuple[str, ...] = API_SCOPES) -> OAuthClient:
        return OAuthClient(self.dex.token_url, DEMO_CLIENT, self.dex.secrets[DEMO_CLIENT], scopes)

    async def token(self, who: str) -> str:
        """`alice`, `bob` (customers), `admin`, or `no-audience` (a token for the demo client
        only), younger than half its lifetime."""
        fetched = self._fetched.get(who)
        if fetched is None or time.monotonic() - fetched[0] > TOKEN_SECONDS / 2:
            started = time.monotonic()
            async with httpx.AsyncClient(timeout=30) as http:
                token = await self._grant(who, http)
            self._fetched[who] = (started, token)
        return self._fetched[who][1]

    async def _grant(self, who: str, http: httpx.AsyncClient) -> str:
        logins = {
            "alice": (numbered_customer(1).email, CUSTOMER_PASSWORD),
            "bob": (numbered_customer(2).email, CUSTOMER_PASSWORD),
            "admin": (ADMIN_EMAIL, ADMIN_PASSWORD),
        }
        if who == "no-audience":
            return (await self.client(NO_AUDIENCE_SCOPES).client_credentials(http)).access_token
        email, password = logins[who]
        return (await self.client().password(http, email, password)).access_token

    async def subject(self, who: str) -> str:
        return str(jwt.decode(await self.token(who), options={"verify_signature": False})["sub"])


@dataclass(frozen=True)
class Shop:
    """The six APIs (in-process clients), resources that belong to `alice`, and a token that
    expires (an admin's, fetched before everything else)."""

    clients: dict[str, httpx.AsyncClient]
    apps: dict[str, FastAPI]
    alice: str
    alice_order: UUID
    expiring: Token


@pytest.fixture(scope="module")
def authz_dex(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dex]:
    workdir: Path = tmp_path_factory.mktemp("authz-dex")
    dex = Dex(workdir, token_lifetime=f"{TOKEN_SECONDS}s")
    start_or_end_session(dex.start, dex.stop, "Dex")
    try:
        yield dex
    finally:
        dex.stop()


@pytest.fixture(scope="module")
def callers(authz_dex: Dex) -> Callers:
    return Callers(authz_dex)


async def _place_alice_order(apps: dict[str, FastAPI], alice: str) -> UUID:
    """An order and its payment, both of `alice`, written through the contexts' buses. The
    order is cancelled (out of stock), so its event stream ends and a read of it returns."""
    order_id = uuid4()
    lines = (OrderLine(uuid4(), "Mug", 1, Decimal("9.50")),)
    terms = OrderTerms(alice, None, lines, Decimal("9.50"), "EUR")
    ordering = apps["ordering"].state.process.state["ordering"]
    checkout = m.CheckoutReceived(uuid4(), order_id, terms=terms, checked_out_at=datetime.now(UTC))
    await ordering.bus.handle(checkout)
    await ordering.bus.handle(m.StockReservationFailed(uuid4(), order_id, reason="out-of-stock"))
    payments = apps["payment"].state.process.state["payments"]
    await payments.bus.handle(pc.RequestPayment(order_id, alice, Decimal("9.50"), "EUR"))
    return order_id


@pytest.fixture(scope="module")
async def shop(
    postgres: PostgresServer, kafka: KafkaBroker, authz_dex: Dex, callers: Callers
) -> AsyncIterator[Shop]:
    """The APIs on the session's PostgreSQL and broker (admin routes read dead-letter topics)."""
    async with httpx.AsyncClient(timeout=30) as http:
        expiring = await callers.client().password(http, ADMIN_EMAIL, ADMIN_PASSWORD)
    with pytest.MonkeyPatch.context() as env:
        for name, value in {**authz_dex.env(), "SHOP_AUTH_LEEWAY_SECONDS": "0"}.items():
            env.setenv(name, value)
        async with contextlib.AsyncExitStack() as stack:
            apps: dict[str, FastAPI] = {}
            clients: dict[str, httpx.AsyncClient] = {}
            for context, (settings_class, factory) in FACTORIES.items():
                engine = await stack.enter_async_context(migrated_engine(postgres, context))
                settings = settings_on(settings_class, engine)
                app = factory(settings)
                await stack.enter_async_context(app.router.lifespan_context(app))
                transport = httpx.ASGITransport(app=app)
                clients[context] = await stack.enter_async_context(
                    httpx.AsyncClient(transport=transport, base_url="http://shop.test")
                )
                apps[context] = app
            alice = await callers.subject("alice")
            order = await _place_alice_order(apps, alice)
            yield Shop(clients, apps, alice, order, expiring)


@pytest.fixture(scope="module")
async def expired_token(shop: Shop) -> str:
    """The admin's token of the shop's start, once it has expired (waits for what is left of
    its `exp`, by the wall clock Dex and the APIs share)."""
    token = shop.expiring.access_token
    expiry = float(jwt.decode(token, options={"verify_signature": False})["exp"])
    await asyncio.sleep(max(0.0, expiry - time.time()) + 1.5)
    return token
