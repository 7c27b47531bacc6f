"""Tokens for the local shop's own tools: the seeding admin and the demo's customers.

They log in the real way, at the provider's token endpoint: the demo client's own client
credentials (it is in the admin group) for catalog writes, the password grant for customers.
A `CustomerPool` lends each order a customer whose cart nobody else is filling.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from shop.common.auth.token_client import BearerAuth, OAuthClient, client_credentials_auth
from shop.devstack.identity import Identity


@dataclass(frozen=True)
class Customer:
    """A logged-in customer: their login and the auth their requests carry."""

    login: str
    auth: BearerAuth


def demo_client(identity: Identity) -> OAuthClient:
    return OAuthClient(
        identity.token_url, identity.demo_client_id, identity.demo_client_secret, identity.scopes
    )


def admin_auth(identity: Identity, http: httpx.AsyncClient) -> BearerAuth:
    """The demo client's own tokens: an admin's rights, for seeding and test set-up."""
    return client_credentials_auth(demo_client(identity), http)


async def log_in(identity: Identity, http: httpx.AsyncClient, login: str) -> Customer:
    """A customer logged in by the password grant (the token is fetched now, and renewed)."""
    client = demo_client(identity)
    auth = BearerAuth(lambda: client.password(http, login, identity.customer_password))
    await auth.token()
    return Customer(login, auth)


async def log_in_customers(
    identity: Identity, http: httpx.AsyncClient, count: int
) -> list[Customer]:
    """Up to `count` of the demo customers, logged in concurrently."""
    logins = identity.customers[:count]
    if not logins:
        raise ValueError("the identity provider has no demo customers")
    return list(await asyncio.gather(*(log_in(identity, http, login) for login in logins)))


class CustomerPool:
    """Customers lent one at a time, so two orders never fill the same cart at once."""

    def __init__(self, customers: list[Customer]) -> None:
        self._idle: asyncio.Queue[Customer] = asyncio.Queue()
        for customer in customers:
            self._idle.put_nowait(customer)

    @asynccontextmanager
    async def borrow(self) -> AsyncIterator[Customer]:
        customer = await self._idle.get()
        try:
            yield customer
        finally:
            self._idle.put_nowait(customer)
