"""The basket API in-process on real PostgreSQL: carts, prices, idempotent checkout."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import httpx
import pytest
from asyncpg.connection import LoggedQuery  # type: ignore[import-untyped]
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.fixtures_identity import IdentityProvider
from integration.context_api import api_client, settings_on
from shop.basket.bootstrap import Basket
from shop.basket.domain import catalog_events as e
from shop.basket.domain import commands as c
from shop.basket.domain.cart import Checkout
from shop.basket.domain.products import ProductSnapshot
from shop.basket.entrypoints.api import create_basket_app
from shop.basket.settings import BasketSettings

MUG = ProductSnapshot(uuid4(), "Mug", Decimal("9.50"), "EUR", True, 1)
TEA = ProductSnapshot(uuid4(), "Tea", Decimal("4.00"), "EUR", True, 1)


async def hear(basket: Basket, event: e.CatalogEvent) -> None:
    async with basket.unit_of_work() as uow:
        await basket.bus.handle_in(event, uow)
        await uow.commit()


@pytest.fixture
async def api(
    basket_engine: AsyncEngine, identity: IdentityProvider
) -> AsyncIterator[tuple[httpx.AsyncClient, Basket]]:
    settings = settings_on(
        BasketSettings,
        basket_engine,
        ordering_url="http://ordering.test",
    )
    app = create_basket_app(settings)
    async with api_client(app, identity.customer(1)) as http:
        basket: Basket = app.state.process.state["basket"]
        for product in (MUG, TEA):
            await hear(basket, e.ProductAnnounced(product))
        yield http, basket


async def checked_out(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        query = "SELECT count(*) FROM basket.outbox WHERE type = 'basket.checked-out'"
        return int((await connection.execute(text(query))).scalar_one())


async def test_a_cart_is_shown_at_the_latest_catalog_price(
    api: tuple[httpx.AsyncClient, Basket],
) -> None:
    http, basket = api
    await http.post("/carts/me/lines", json={"product_id": str(MUG.product_id), "quantity": 2})

    await hear(basket, e.PriceChanged(MUG.product_id, 2, Decimal("10.00"), "EUR"))
    cart = (await http.get("/carts/me")).json()

    assert [(line["name"], line["line_total"]) for line in cart["lines"]] == [("Mug", "20.00")]
    assert cart["totals"] == {"EUR": "20.00"}


async def test_lines_are_changed_and_removed(api: tuple[httpx.AsyncClient, Basket]) -> None:
    http, _ = api
    for product in (MUG, TEA):
        await http.post(
            "/carts/me/lines", json={"product_id": str(product.product_id), "quantity": 1}
        )

    await http.put(f"/carts/me/lines/{MUG.product_id}", json={"quantity": 3})
    cart = (await http.delete(f"/carts/me/lines/{TEA.product_id}")).json()

    assert [(line["name"], line["quantity"]) for line in cart["lines"]] == [("Mug", 3)]
    missing = await http.delete(f"/carts/me/lines/{TEA.product_id}")
    assert missing.status_code == 404


async def test_checkout_is_accepted_once_per_idempotency_key(
    api: tuple[httpx.AsyncClient, Basket], basket_engine: AsyncEngine
) -> None:
    http, _ = api
    await http.post("/carts/me/lines", json={"product_id": str(MUG.product_id), "quantity": 1})
    headers = {"Idempotency-Key": "checkout-1"}

    responses = await asyncio.gather(
        *(
            http.post("/carts/me/checkout", headers=headers, json={"email": "alice@example.com"})
            for _ in range(3)
        )
    )

    assert {r.status_code for r in responses} == {202}
    order_ids = {r.json()["order_id"] for r in responses}
    assert len(order_ids) == 1
    (order_id,) = order_ids
    assert responses[0].headers["location"] == f"http://ordering.test/orders/{order_id}"
    assert await checked_out(basket_engine) == 1
    assert (await http.get("/carts/me")).json()["lines"] == []


async def test_checkout_problems_name_their_cause(api: tuple[httpx.AsyncClient, Basket]) -> None:
    http, basket = api

    no_key = await http.post("/carts/me/checkout")
    empty = await http.post("/carts/me/checkout", headers={"Idempotency-Key": "k"})
    await http.post("/carts/me/lines", json={"product_id": str(TEA.product_id), "quantity": 1})
    await hear(basket, e.ProductWithdrawn(TEA.product_id, 2))
    withdrawn = await http.post("/carts/me/checkout", headers={"Idempotency-Key": "k"})

    assert no_key.status_code == 422
    assert no_key.json()["errors"][0]["field"] == "header.idempotency-key"
    assert (empty.status_code, empty.json()["type"]) == (422, "urn:shopkeeper:problem:empty-cart")
    assert withdrawn.status_code == 409
    assert withdrawn.json()["productIds"] == [str(TEA.product_id)]


async def test_a_product_the_basket_does_not_know_cannot_be_added(
    api: tuple[httpx.AsyncClient, Basket],
) -> None:
    http, _ = api

    response = await http.post("/carts/me/lines", json={"product_id": str(uuid4()), "quantity": 1})

    assert (response.status_code, response.json()["type"]) == (
        422,
        "urn:shopkeeper:problem:unknown-product",
    )


async def test_concurrent_additions_to_one_cart_all_count_each_answering_its_own_cart(
    api: tuple[httpx.AsyncClient, Basket],
) -> None:
    http, _ = api
    adds = [(MUG, 1)] * 4 + [(TEA, 2)] * 3

    responses = await asyncio.gather(
        *(
            http.post(
                "/carts/me/lines", json={"product_id": str(product.product_id), "quantity": n}
            )
            for product, n in adds
        )
    )

    mug_quantities = [
        line["quantity"]
        for response, (product, _) in zip(responses, adds, strict=True)
        for line in response.json()["lines"]
        if product is MUG and line["name"] == "Mug"
    ]
    assert sorted(mug_quantities) == [1, 2, 3, 4]  # serialised: each saw the ones before it
    cart = (await http.get("/carts/me")).json()
    assert {line["name"]: line["quantity"] for line in cart["lines"]} == {"Mug": 4, "Tea": 6}
    assert cart["totals"] == {"EUR": "62.00"}


async def test_a_checkout_is_recorded_by_the_statement_that_saves_the_cart_it_emptied(
    api: tuple[httpx.AsyncClient, Basket], basket_engine: AsyncEngine
) -> None:
    http, basket = api
    await http.post("/carts/me/lines", json={"product_id": str(MUG.product_id), "quantity": 1})
    customer = (await http.get("/carts/me")).json()["customer_id"]
    statements: list[str] = []

    def log(query: LoggedQuery) -> None:
        statements.append(query.query)

    async with basket.unit_of_work() as uow:
        connection = uow.connection
        connection.add_query_logger(log)
        try:
            done = await basket.bus.handle_in(c.Checkout(customer, "checkout-2"), uow)
            await uow.commit()
        finally:
            connection.remove_query_logger(log)

    async with basket.unit_of_work() as uow:
        assert await uow.checkouts.get(customer, "checkout-2") == done
        assert (await uow.carts.get(customer)).lines == {}  # type: ignore[union-attr]
    assert await checked_out(basket_engine) == 1
    # The cart locked with its products, the key looked up, then one write; the outbox, COMMIT.
    handler, commit = statements[:3], statements[3:]
    assert handler[2].startswith("WITH checkout AS")
    assert len(commit) == 2


async def test_a_checkout_is_saved_with_its_own_customers_cart_only(
    api: tuple[httpx.AsyncClient, Basket],
) -> None:
    _, basket = api
    checkout = Checkout("someone-else", "checkout-3", uuid4(), datetime.now(UTC))

    async with basket.unit_of_work() as uow:
        cart = await uow.carts.lock("alice-cart")
        assert cart is not None
        with pytest.raises(ValueError, match="its own customer"):
            await uow.carts.save(cart, checked_out=checkout)
