"""Template management and the delivery log over HTTP, in-process on real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.fixtures_identity import IdentityProvider
from integration.context_api import api_client, settings_on
from shop.notification.entrypoints.api import create_notification_app
from shop.notification.settings import NotificationSettings


@pytest.fixture
async def http(
    notification_engine: AsyncEngine, identity: IdentityProvider
) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_on(
        NotificationSettings,
        notification_engine,
    )
    async with api_client(create_notification_app(settings), identity.admin()) as client:
        yield client


async def test_the_default_templates_are_seeded(http: httpx.AsyncClient) -> None:
    templates = (await http.get("/templates")).json()

    assert [(t["name"], t["event_type"]) for t in templates] == [
        ("order-cancelled", "order.cancelled"),
        ("order-confirmed", "order.confirmed"),
        ("payment-failed", "payment.failed"),
    ]
    assert "reason" in templates[0]["placeholders"]


async def test_a_template_is_replaced_and_deleted(http: httpx.AsyncClient) -> None:
    body = {"event_type": "order.confirmed", "subject": "Thanks!", "body": "{{ total }} paid"}

    replaced = await http.put("/templates/order-confirmed", json=body)
    fetched = await http.get("/templates/order-confirmed")
    deleted = await http.delete("/templates/order-confirmed")
    gone = await http.get("/templates/order-confirmed")

    assert replaced.json()["placeholders"] == ["total"]
    assert fetched.json()["subject"] == "Thanks!"
    assert deleted.status_code == 204
    assert gone.status_code == 404


async def test_a_malformed_template_is_refused_with_a_problem(http: httpx.AsyncClient) -> None:
    body = {"event_type": "order.confirmed", "subject": "Hi", "body": "{{ total"}

    response = await http.put("/templates/broken", json=body)

    assert response.status_code == 422
    assert response.json()["type"] == "urn:shopkeeper:problem:invalid-template"


async def test_the_delivery_log_starts_empty(http: httpx.AsyncClient) -> None:
    assert (await http.get("/deliveries", params={"status": "failed"})).json() == []
