"""The catalog API in-process on real PostgreSQL: CRUD, search, stock, problem+json."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.fixtures_identity import IdentityProvider
from integration.context_api import api_client, settings_on
from shop.catalog.entrypoints.api import create_catalog_app
from shop.catalog.settings import CatalogSettings


@pytest.fixture
async def client(
    catalog_engine: AsyncEngine, identity: IdentityProvider
) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_on(CatalogSettings, catalog_engine)
    async with api_client(create_catalog_app(settings), identity.admin()) as client:
        assert (
            await client.post("/categories", json={"slug": "kitchen", "name": "Kitchen"})
        ).status_code == 201
        assert (
            await client.post("/categories", json={"slug": "tea", "name": "Tea"})
        ).status_code == 201
        yield client


async def add(client: httpx.AsyncClient, name: str, price: str, category: str = "kitchen") -> str:
    body = {
        "name": name,
        "description": f"A {name.lower()}",
        "category": category,
        "price": price,
        "currency": "EUR",
        "initial_stock": 10,
    }
    response = await client.post("/products", json=body)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/products/{response.json()['id']}"
    return str(response.json()["id"])


async def test_a_created_product_is_served_with_its_stock(client: httpx.AsyncClient) -> None:
    product_id = await add(client, "Mug", "9.50")

    product = (await client.get(f"/products/{product_id}")).json()

    assert (product["name"], product["price"], product["currency"]) == ("Mug", "9.50", "EUR")
    assert product["stock"] == {
        "on_hand": 10,
        "reserved": 0,
        "available": 10,
        "low_stock_threshold": 0,
    }


async def test_search_filters_by_text_category_and_price_and_pages_in_order(
    client: httpx.AsyncClient,
) -> None:
    for name, price in [("Blue mug", "8.00"), ("Red mug", "12.00"), ("Teapot", "30.00")]:
        await add(client, name, price)
    await add(client, "Green tea", "4.00", category="tea")

    mugs = (await client.get("/products", params={"q": "mugs", "sort": "-price"})).json()
    kitchen = (
        await client.get(
            "/products", params={"category": "kitchen", "max_price": "20", "limit": 1, "offset": 1}
        )
    ).json()

    assert [p["name"] for p in mugs["items"]] == ["Red mug", "Blue mug"]
    assert (kitchen["total"], [p["name"] for p in kitchen["items"]]) == (2, ["Red mug"])


async def test_deactivated_products_leave_search_unless_asked_for(
    client: httpx.AsyncClient,
) -> None:
    product_id = await add(client, "Mug", "9.50")

    assert (await client.post(f"/products/{product_id}/deactivate")).status_code == 204
    hidden = (await client.get("/products")).json()
    shown = (await client.get("/products", params={"include_inactive": "true"})).json()

    assert hidden["total"] == 0
    assert [p["active"] for p in shown["items"]] == [False]


async def test_price_and_stock_changes_are_applied(client: httpx.AsyncClient) -> None:
    product_id = await add(client, "Mug", "9.50")

    priced = await client.put(
        f"/products/{product_id}/price", json={"price": "11.00", "currency": "EUR"}
    )
    received = await client.post(f"/products/{product_id}/stock/receipts", json={"quantity": 5})
    counted = await client.put(f"/products/{product_id}/stock", json={"on_hand": 7})

    assert priced.json()["price"] == "11.00"
    assert received.json()["on_hand"] == 15
    assert counted.json()["available"] == 7


async def test_an_unknown_product_is_a_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/products/00000000-0000-4000-8000-000000000000")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:shopkeeper:problem:product-not-found"


async def test_invalid_input_names_each_bad_field(client: httpx.AsyncClient) -> None:
    body = {"name": "", "category": "Kitchen", "price": "-1", "currency": "euro"}

    response = await client.post("/products", json=body)

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"body.name", "body.category", "body.price", "body.currency"}


async def test_a_product_in_an_unknown_category_is_refused(client: httpx.AsyncClient) -> None:
    body = {"name": "Rake", "category": "garden", "price": "5", "currency": "EUR"}

    response = await client.post("/products", json=body)

    assert response.status_code == 422
    assert response.json()["category"] == "garden"


async def test_a_duplicate_category_is_a_conflict(client: httpx.AsyncClient) -> None:
    response = await client.post("/categories", json={"slug": "tea", "name": "More tea"})

    assert response.status_code == 409


async def test_the_openapi_document_shows_examples_and_problem_responses(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()

    product_in = document["components"]["schemas"]["ProductIn"]
    assert product_in["properties"]["currency"]["examples"] == ["EUR"]
    get_product = document["paths"]["/products/{product_id}"]["get"]
    assert "application/problem+json" in get_product["responses"]["404"]["content"]
