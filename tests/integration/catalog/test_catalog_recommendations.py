"""Recommendations on real PostgreSQL (pgvector) and Kafka: "bought together" projected from
ordering's own confirmed-order events, and the semantic search with the real model; both read
anonymously through the catalog API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.fixtures_identity import IdentityProvider
from integration.context_api import api_client, settings_on
from integration.context_kafka import consuming, envelope_of, publish, unique_topic
from localinfra.kafka import KafkaBroker
from shop.catalog.adapters.wordllama_embedder import wordllama_embedder
from shop.catalog.bootstrap import Catalog, bootstrap
from shop.catalog.domain import commands as c
from shop.catalog.entrypoints.api import create_catalog_app
from shop.catalog.entrypoints.consumers import INBOUND
from shop.catalog.settings import CatalogSettings
from shop.common.consumer import routes
from shop.common.events import Envelope
from shop.common.problems import PROBLEM_MEDIA_TYPE
from shop.ordering.domain.events import OrderCancelled, OrderConfirmed, OrderPlaced
from shop.ordering.domain.order_terms import OrderLine
from support.polling import wait_until_async

NOW = datetime(2026, 5, 1, 15, tzinfo=UTC)
PRODUCTS = {
    "sneakers": ("Trail running sneakers", "footwear", "Light shoes with a grippy sole."),
    "socks": ("Wool hiking socks", "footwear", "Warm socks for long walks."),
    "kettle": ("Electric kettle", "kitchen", "Boils 1.7 litres of water in three minutes."),
    "mug": ("Stoneware mug", "kitchen", "Holds half a litre of coffee or tea."),
    "lantern": ("Paper lantern", "lighting", "A soft light for a reading corner."),
    "lamp": ("Brass desk lamp", "lighting", "An adjustable lamp for the desk."),
}


@dataclass(frozen=True)
class Seeded:
    catalog: Catalog
    ids: dict[str, UUID]


@pytest.fixture
async def seeded(catalog_engine: AsyncEngine) -> Seeded:
    """The products above, created through the catalog's bus (so embedded on the write path)."""
    catalog = bootstrap(catalog_engine)
    for slug in ("footwear", "kitchen", "lighting"):
        await catalog.bus.handle(c.CreateCategory(slug, slug.title()))
    ids = {}
    for key, (name, category, description) in PRODUCTS.items():
        ids[key] = await catalog.bus.handle(
            c.CreateProduct(name, description, category, Decimal("10.00"), "EUR", 50)
        )
    return Seeded(catalog, ids)


@pytest.fixture
async def anonymous(
    catalog_engine: AsyncEngine, identity: IdentityProvider
) -> AsyncIterator[httpx.AsyncClient]:
    """The catalog API with no token at all, as a storefront's visitor calls it."""
    settings = settings_on(CatalogSettings, catalog_engine)
    async with api_client(create_catalog_app(settings), None) as client:
        yield client


def order_events(ids: dict[str, UUID], *keys: str, confirmed: bool = True) -> list[Envelope]:
    order_id = uuid4()
    terms: dict[str, Any] = {
        "customer_id": "alice",
        "email": None,
        "lines": tuple(OrderLine(ids[k], PRODUCTS[k][0], 1, Decimal("10.00")) for k in keys),
        "total": Decimal(10 * len(keys)),
        "currency": "EUR",
    }
    placed = OrderPlaced(order_id, placed_at=NOW, **terms)
    end = (
        OrderConfirmed(order_id, confirmed_at=NOW, **terms)
        if confirmed
        else OrderCancelled(order_id, reason="payment-failed", cancelled_at=NOW, **terms)
    )
    return [
        envelope_of(event, source="ordering", aggregate_type="order", key=str(order_id))
        for event in (placed, end)
    ]


async def test_products_bought_together_come_from_confirmed_orders_counted_once(
    seeded: Seeded, catalog_engine: AsyncEngine, kafka: KafkaBroker, anonymous: httpx.AsyncClient
) -> None:
    catalog, ids = seeded.catalog, seeded.ids
    first = order_events(ids, "kettle", "mug", "lamp")
    events = [
        *first,
        *order_events(ids, "kettle", "mug"),
        *order_events(ids, "kettle", "lantern"),
        *order_events(ids, "kettle", "socks", confirmed=False),  # cancelled: never bought
        first[1],  # a redelivery of the first confirmation
    ]
    topic = unique_topic("catalog-orders")
    await publish(kafka.bootstrap_servers, topic, *events)

    async with consuming(
        kafka.bootstrap_servers, topic, routes(catalog.bus, INBOUND), catalog.unit_of_work
    ):

        async def projected() -> bool:
            async with catalog_engine.connect() as connection:
                orders = await connection.scalar(
                    text("SELECT count(*) FROM catalog.bought_together_orders")
                )
            return bool(orders == 3)

        await wait_until_async(projected, within=30, what="three confirmed orders projected")

    with_kettle = await anonymous.get(f"/products/{ids['kettle']}/bought-together")
    await catalog.bus.handle(c.DeactivateProduct(ids["lamp"]))
    after_deactivation = await anonymous.get(f"/products/{ids['kettle']}/bought-together")
    unknown = await anonymous.get(f"/products/{uuid4()}/bought-together")
    too_many = await anonymous.get(f"/products/{ids['kettle']}/bought-together?limit=51")

    assert with_kettle.status_code == 200, with_kettle.text
    assert [(r["product"]["name"], r["orders"]) for r in with_kettle.json()] == [
        ("Stoneware mug", 2),
        ("Brass desk lamp", 1),
        ("Paper lantern", 1),
    ]
    assert [r["product"]["name"] for r in after_deactivation.json()] == [
        "Stoneware mug",
        "Paper lantern",
    ]
    assert (unknown.status_code, unknown.headers["content-type"]) == (404, PROBLEM_MEDIA_TYPE)
    assert (too_many.status_code, too_many.headers["content-type"]) == (422, PROBLEM_MEDIA_TYPE)


async def semantic(client: httpx.AsyncClient, q: str, limit: int = 3) -> list[str]:
    response = await client.get("/products/search/semantic", params={"q": q, "limit": limit})
    assert response.status_code == 200, response.text
    return [item["product"]["name"] for item in response.json()["items"]]


async def test_the_semantic_search_finds_products_by_meaning(
    seeded: Seeded, anonymous: httpx.AsyncClient
) -> None:
    catalog, ids = seeded.catalog, seeded.ids

    running = await semantic(anonymous, "running shoes", limit=len(PRODUCTS))
    reading = await semantic(anonymous, "a light to read by", limit=2)
    boiling = await semantic(anonymous, "something to boil water", limit=1)

    assert running[0] == "Trail running sneakers"
    assert running.index("Trail running sneakers") < running.index("Electric kettle")
    assert set(reading) == {"Paper lantern", "Brass desk lamp"}
    assert boiling == ["Electric kettle"]

    await catalog.bus.handle(
        c.UpdateProduct(ids["mug"], "Enamel teapot", "Brews tea for four.", "kitchen")
    )
    await catalog.bus.handle(c.DeactivateProduct(ids["kettle"]))
    assert await semantic(anonymous, "a pot to brew tea", limit=1) == ["Enamel teapot"]
    assert "Electric kettle" not in await semantic(anonymous, "boil water", limit=len(PRODUCTS))


async def test_the_semantic_search_answers_bad_queries_with_problems(
    anonymous: httpx.AsyncClient,
) -> None:
    blank = await anonymous.get("/products/search/semantic", params={"q": "   "})
    missing = await anonymous.get("/products/search/semantic")
    too_long = await anonymous.get("/products/search/semantic", params={"q": "x" * 201})

    for response in (blank, missing, too_long):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert blank.json()["type"].endswith(":unsearchable-query")


async def test_the_backfill_embeds_products_that_have_no_current_vector(
    seeded: Seeded, catalog_engine: AsyncEngine, anonymous: httpx.AsyncClient
) -> None:
    catalog = seeded.catalog
    async with catalog_engine.begin() as connection:
        await connection.execute(text("DELETE FROM catalog.product_embeddings"))
    assert await semantic(anonymous, "running shoes") == []

    assert await catalog.bus.handle(c.EmbedProducts(limit=4)) == 4
    assert await catalog.bus.handle(c.EmbedProducts(limit=4)) == 2
    assert await catalog.bus.handle(c.EmbedProducts(limit=4)) == 0

    assert (await semantic(anonymous, "running shoes"))[0] == "Trail running sneakers"
    async with catalog_engine.connect() as connection:
        models = await connection.scalars(
            text("SELECT DISTINCT model FROM catalog.product_embeddings")
        )
        assert list(models) == [wordllama_embedder().model]
