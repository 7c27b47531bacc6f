"""Looks an order up in the ordering API, to complete what an event does not carry."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

import httpx

from shop.common.auth.token_client import TokenRequestError
from shop.notification.service_layer.unit_of_work import LookupFailedError


class HttpOrderLookup:
    """`GET <ordering>/orders/{id}` as the notification service (`auth`: client credentials)."""

    def __init__(self, client: httpx.AsyncClient, ordering_url: str, auth: httpx.Auth) -> None:
        self._client = client
        self._base = ordering_url.rstrip("/")
        self._auth = auth

    async def find(self, order_id: UUID) -> Mapping[str, object] | None:
        try:
            response = await self._client.get(f"{self._base}/orders/{order_id}", auth=self._auth)
        except (httpx.HTTPError, TokenRequestError) as err:
            raise LookupFailedError(f"{type(err).__name__}: {err}") from err
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise LookupFailedError(f"ordering answered {response.status_code}")
        order = response.json()
        if not isinstance(order, dict):
            raise LookupFailedError("ordering answered something that is not an order")
        return order
