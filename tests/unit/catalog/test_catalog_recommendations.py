"""Recommendations' pure logic and handlers: pairs bought together, products' search texts and
vectors (through the message bus and a fake unit of work)."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from shop.catalog.bootstrap import CatalogBus, message_bus
from shop.catalog.domain import commands as c
from shop.catalog.domain.bought_together import MAX_PAIRED_PRODUCTS, pairs_bought_together
from shop.catalog.domain.order_events import OrderConfirmed, OrderedLine
from shop.catalog.domain.search_text import product_text, searchable
from shop.catalog.service_layer.handlers import CatalogDependencies
from unit.catalog.catalog_fakes import FakeCatalogUnitOfWork, WordCountEmbedder

pytestmark = pytest.mark.unit


def lines(*products: UUID, quantity: int = 1) -> tuple[OrderedLine, ...]:
    return tuple(OrderedLine(product, quantity) for product in products)


def test_an_order_pairs_each_of_its_products_with_every_other_in_both_directions() -> None:
    a, b, c_ = sorted(uuid4() for _ in range(3))

    pairs = pairs_bought_together(lines(a, b, c_))

    assert sorted(pairs) == sorted([(a, b), (a, c_), (b, a), (b, c_), (c_, a), (c_, b)])


def test_a_product_on_two_lines_or_alone_pairs_with_nothing_of_its_own() -> None:
    a = uuid4()
    assert pairs_bought_together(lines(a, a)) == []
    assert pairs_bought_together(lines(a)) == []


def test_a_line_of_no_units_is_not_bought() -> None:
    a, b = uuid4(), uuid4()
    assert pairs_bought_together((OrderedLine(a, 1), OrderedLine(b, 0))) == []


def test_a_huge_order_pairs_only_its_first_products_by_id() -> None:
    products = [uuid4() for _ in range(MAX_PAIRED_PRODUCTS + 10)]

    pairs = pairs_bought_together(lines(*products))

    kept = set(sorted(products)[:MAX_PAIRED_PRODUCTS])
    assert len(pairs) == MAX_PAIRED_PRODUCTS * (MAX_PAIRED_PRODUCTS - 1)
    assert {a for a, _ in pairs} == kept


def test_a_products_text_joins_its_name_its_categorys_words_and_its_description() -> None:
    assert (
        product_text(" Trail shoe ", "running-gear", "Light.") == "Trail shoe. running gear. Light."
    )
    assert product_text("Mug", "kitchen", "") == "Mug. kitchen"


def test_only_a_finite_non_zero_vector_is_searchable() -> None:
    assert searchable([0.0, 0.5])
    assert not searchable([0.0, 0.0])
    assert not searchable([])
    assert not searchable([float("nan"), 1.0])


@pytest.fixture
def uow() -> FakeCatalogUnitOfWork:
    return FakeCatalogUnitOfWork()


@pytest.fixture
def embedder() -> WordCountEmbedder:
    return WordCountEmbedder()


@pytest.fixture
async def bus(uow: FakeCatalogUnitOfWork, embedder: WordCountEmbedder) -> CatalogBus:
    bus = message_bus(lambda: uow, CatalogDependencies(embedder))
    await bus.handle(c.CreateCategory("kitchen", "Kitchen"))
    return bus


async def create(bus: CatalogBus, name: str, description: str = "") -> UUID:
    product_id: UUID = await bus.handle(
        c.CreateProduct(name, description, "kitchen", Decimal("9.50"), "EUR")
    )
    return product_id


async def test_a_created_product_is_embedded_in_the_same_unit_of_work(
    bus: CatalogBus, uow: FakeCatalogUnitOfWork, embedder: WordCountEmbedder
) -> None:
    product_id = await create(bus, "Stoneware mug", "Holds half a litre.")

    assert embedder.texts == ["Stoneware mug. kitchen. Holds half a litre."]
    model, vector = uow.embeddings.rows[product_id]
    assert (model, vector) == (embedder.model, embedder.embed([embedder.texts[0]])[0])
    assert uow.commits == 2  # the category, then the product with its vector


async def test_a_described_anew_product_is_embedded_anew(
    bus: CatalogBus, uow: FakeCatalogUnitOfWork, embedder: WordCountEmbedder
) -> None:
    product_id = await create(bus, "Mug")

    await bus.handle(c.UpdateProduct(product_id, "Teapot", "Pours four cups.", "kitchen"))

    assert embedder.texts[-1] == "Teapot. kitchen. Pours four cups."
    assert uow.embeddings.rows[product_id][1] == embedder.embed([embedder.texts[-1]])[0]


async def test_the_backfill_embeds_products_without_a_vector_of_the_current_model(
    bus: CatalogBus, uow: FakeCatalogUnitOfWork, embedder: WordCountEmbedder
) -> None:
    first, second, third = [await create(bus, name) for name in ("Mug", "Bowl", "Plate")]
    uow.embeddings.rows[first] = ("an-older-model", [1.0] * 8)
    del uow.embeddings.rows[second]

    assert await bus.handle(c.EmbedProducts(limit=1)) == 1
    assert await bus.handle(c.EmbedProducts(limit=10)) == 1
    assert await bus.handle(c.EmbedProducts(limit=10)) == 0

    assert {uow.embeddings.rows[p][0] for p in (first, second, third)} == {embedder.model}


async def test_a_confirmed_order_counts_its_pairs_once_whatever_its_redeliveries(
    bus: CatalogBus, uow: FakeCatalogUnitOfWork
) -> None:
    a, b = uuid4(), uuid4()
    order = uuid4()

    await bus.handle(OrderConfirmed(uuid4(), order, lines(a, b, quantity=3)))
    await bus.handle(OrderConfirmed(uuid4(), order, lines(a, b)))
    await bus.handle(OrderConfirmed(uuid4(), uuid4(), lines(a, b)))

    assert uow.bought_together.pairs == {(a, b): 2, (b, a): 2}
