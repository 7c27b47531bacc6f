"""Session fixtures: the front door (Traefik and Dex, the real OIDC provider, behind it at
`/dex`), and tokens fetched from Dex the real way.

`front_door` is one gateway with one Dex per session, with the shop's clients and demo users
(`localinfra.dex_realm`); its issuer is the gateway's origin. `identity` logs users in (password
grant) and clients in (client credentials) at Dex's token endpoint, and sets `SHOP_AUTH_*` so
every API built in the session checks its tokens.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
import jwt
import pytest

from infra.fixtures_kube import session_dir
from infra.fixtures_traefik import start_or_end_session
from localinfra.dex import Dex
from localinfra.dex_realm import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    API_AUDIENCE,
    API_SCOPES,
    CUSTOMER_PASSWORD,
    DEMO_CLIENT,
    NOTIFICATION_CLIENT,
    numbered_customer,
)
from localinfra.front_door import FrontDoor, start_front_door
from shop.common.auth.settings import AuthSettings
from shop.common.auth.token_client import OAuthClient, Token


@dataclass(frozen=True)
class LoggedIn:
    """A caller with a token: `subject` is the customer id the APIs see."""

    subject: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def auth(self) -> httpx.Auth:
        return _Bearer(self.token)


class _Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


@dataclass
class IdentityProvider:
    """Tokens of the session's Dex; each login is fetched once and kept for the session."""

    dex: Dex
    _cache: dict[str, LoggedIn] = field(default_factory=dict)

    @property
    def settings(self) -> AuthSettings:
        return AuthSettings(issuer=self.dex.issuer, audience=API_AUDIENCE)

    def client(self, client_id: str = DEMO_CLIENT) -> OAuthClient:
        return OAuthClient(self.dex.token_url, client_id, self.dex.secrets[client_id], API_SCOPES)

    def customer(self, number: int = 1) -> LoggedIn:
        """`customer-NN@shopkeeper.dev`, logged in by the password grant."""
        email = numbered_customer(number).email
        return self._cached(
            email, lambda http: self.client().password(http, email, CUSTOMER_PASSWORD)
        )

    def admin(self) -> LoggedIn:
        return self._cached(
            ADMIN_EMAIL, lambda http: self.client().password(http, ADMIN_EMAIL, ADMIN_PASSWORD)
        )

    def service(self, client_id: str = NOTIFICATION_CLIENT) -> LoggedIn:
        """A client's own token (client credentials)."""
        return self._cached(
            f"client:{client_id}", lambda http: self.client(client_id).client_credentials(http)
        )

    def _cached(self, key: str, grant: Callable[[httpx.AsyncClient], Awaitable[Token]]) -> LoggedIn:
        """The token of `grant`, fetched once per session (on a thread of its own, so sync and
        async tests alike may ask for it)."""
        if key not in self._cache:

            async def fetch() -> Token:
                async with httpx.AsyncClient(timeout=30) as http:
                    return await grant(http)

            with ThreadPoolExecutor(1) as pool:
                token = pool.submit(asyncio.run, fetch()).result()
            self._cache[key] = _logged_in(token.access_token)
        return self._cache[key]


FIRST_CUSTOMER, LAST_CUSTOMER = 5, 32  # of Dex's numbered demo customers (1-4: single tests')


class Buyers:
    """Dex's demo customers, lent one at a time so that no two orders fill one cart at once."""

    def __init__(self, identity: IdentityProvider) -> None:
        self._idle: asyncio.Queue[LoggedIn] = asyncio.Queue()
        for number in range(FIRST_CUSTOMER, LAST_CUSTOMER + 1):
            self._idle.put_nowait(identity.customer(number))

    @asynccontextmanager
    async def borrow(self) -> AsyncIterator[LoggedIn]:
        buyer = await self._idle.get()
        try:
            yield buyer
        finally:
            self._idle.put_nowait(buyer)


def _logged_in(token: str) -> LoggedIn:
    subject = str(jwt.decode(token, options={"verify_signature": False})["sub"])
    return LoggedIn(subject, token)


@pytest.fixture(scope="session")
def front_door(request: pytest.FixtureRequest) -> Iterator[FrontDoor]:
    """The gateway and Dex behind it, for the session (`shop_up_process(front_door=...)`
    publishes a shop's APIs on it)."""
    with contextlib.ExitStack() as started:
        doors: list[FrontDoor] = []
        workdir = session_dir(request, "front-door")
        start_or_end_session(
            lambda: doors.append(start_front_door(started, workdir)), started.close, "front door"
        )
        yield doors[0]


@pytest.fixture(scope="session")
def dex(front_door: FrontDoor) -> Dex:
    """The session's Dex (its issuer is the front door's origin)."""
    return front_door.dex


@pytest.fixture(scope="session")
def identity(dex: Dex) -> Iterator[IdentityProvider]:
    """Tokens from the session's Dex; the APIs built meanwhile check them (`SHOP_AUTH_*`)."""
    with pytest.MonkeyPatch.context() as env:
        for name, value in dex.env().items():
            env.setenv(name, value)
        yield IdentityProvider(dex)
