"""Catalog use cases through the message bus and a fake unit of work."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from shop.catalog.bootstrap import CatalogBus, message_bus
from shop.catalog.domain import commands as c
from shop.catalog.domain.errors import (
    CategoryExistsError,
    ProductNotFoundError,
    UnknownCategoryError,
)
from shop.catalog.domain.events import (
    ProductCreated,
    ProductDeactivated,
    ProductPriceChanged,
    StockLine,
    StockLow,
    StockReleased,
    StockReservationFailed,
    StockReserved,
)
from shop.catalog.service_layer.handlers import CatalogDependencies
from unit.catalog.catalog_fakes import FakeCatalogUnitOfWork, WordCountEmbedder


@pytest.fixture
def uow() -> FakeCatalogUnitOfWork:
    return FakeCatalogUnitOfWork()


@pytest.fixture
def bus(uow: FakeCatalogUnitOfWork) -> CatalogBus:
    return message_bus(lambda: uow, CatalogDependencies(WordCountEmbedder()))


async def new_product(bus: CatalogBus, stock: int = 5, threshold: int = 0) -> UUID:
    product_id: UUID = await bus.handle(
        c.CreateProduct("Mug", "", "kitchen", Decimal("9.50"), "EUR", stock, threshold)
    )
    return product_id


@pytest.fixture
async def kitchen(bus: CatalogBus, uow: FakeCatalogUnitOfWork) -> None:
    await bus.handle(c.CreateCategory("kitchen", "Kitchen"))


async def test_creating_a_product_publishes_it_and_stocks_it(
    bus: CatalogBus, uow: FakeCatalogUnitOfWork, kitchen: None
) -> None:
    product_id = await new_product(bus, stock=7)

    (created,) = uow.take_published()
    assert isinstance(created, ProductCreated)
    assert created.product_id == product_id
    assert uow.stock.rows[product_id].on_hand == 7


async def test_a_product_needs_an_existing_category(bus: CatalogBus) -> None:
    with pytest.raises(UnknownCategoryError):
        await new_product(bus)


async def test_a_category_slug_is_taken_once(bus: CatalogBus, kitchen: None) -> None:
    with pytest.raises(CategoryExistsError):
        await bus.handle(c.CreateCategory("kitchen", "Other kitchen"))


async def test_price_changes_and_deactivation_are_published(
    bus: CatalogBus, uow: FakeCatalogUnitOfWork, kitchen: None
) -> None:
    product_id = await new_product(bus)
    uow.take_published()

    await bus.handle(c.ChangePrice(product_id, Decimal("11.00"), "EUR"))
    await bus.handle(c.DeactivateProduct(product_id))

    assert [type(e) for e in uow.take_published()] == [ProductPriceChanged, ProductDeactivated]


async def test_commands_for_an_unknown_product_are_refused(bus: CatalogBus) -> None:
    with pytest.raises(ProductNotFoundError):
        await bus.handle(c.ReceiveStock(uuid4(), 1))
    with pytest.raises(ProductNotFoundError):
        await bus.handle(c.ChangePrice(uuid4(), Decimal(1), "EUR"))


async def test_receiving_counting_and_threshold_change_the_stock_item(
    bus: CatalogBus, uow: FakeCatalogUnitOfWork, kitchen: None
) -> None:
    product_id = await new_product(bus, stock=5)

    await bus.handle(c.ReceiveStock(product_id, 3))
    await bus.handle(c.SetLowStockThreshold(product_id, 4))
    await bus.handle(c.CountStock(product_id, 2))

    item = uow.stock.rows[product_id]
    assert (item.on_hand, item.low_stock_threshold) == (2, 4)
    assert isinstance(uow.take_published()[-1], StockLow)


async def test_reserving_an_order_publishes_the_reply_and_holds_the_units(
    bus: CatalogBus, uow: FakeCatalogUnitOfWork, kitchen: None
) -> None:
    product_id = await new_product(bus, stock=5)
    order_id = uuid4()
    uow.take_published()

    await bus.handle(c.ReserveStock(order_id, (StockLine(product_id, 2),)))

    assert uow.take_published() == [StockReserved(order_id, lines=(StockLine(product_id, 2),))]
    assert uow.stock.rows[product_id].available == 3


async def test_an_order_with_one_unavailable_line_reserves_nothing(
    bus: CatalogBus, uow: FakeCatalogUnitOfWork, kitchen: None
) -> None:
    plenty, scarce = await new_product(bus, stock=5), await new_product(bus, stock=1)
    uow.take_published()

    await bus.handle(c.ReserveStock(uuid4(), (StockLine(plenty, 1), StockLine(scarce, 2))))

    (failed,) = uow.take_published()
    assert isinstance(failed, StockReservationFailed)
    assert uow.stock.rows[plenty].reserved == 0


async def test_a_deactivated_product_cannot_be_reserved(
    bus: CatalogBus, uow: FakeCatalogUnitOfWork, kitchen: None
) -> None:
    product_id = await new_product(bus)
    await bus.handle(c.DeactivateProduct(product_id))
    uow.take_published()

    await bus.handle(c.ReserveStock(uuid4(), (StockLine(product_id, 1),)))

    (failed,) = uow.take_published()
    assert isinstance(failed, StockReservationFailed)
    assert failed.reason == "unavailable"


async def test_payment_failure_releases_reserved_stock(
    bus: CatalogBus, uow: FakeCatalogUnitOfWork, kitchen: None
) -> None:
    product_id = await new_product(bus, stock=5)
    order_id, lines = uuid4(), (StockLine(product_id, 2),)
    await bus.handle(c.ReserveStock(order_id, lines))
    uow.take_published()

    await bus.handle(c.ReleaseStock(order_id, lines))
    await bus.handle(c.ReleaseStock(order_id, lines))

    assert uow.take_published() == [StockReleased(order_id, lines=lines)]
    assert uow.stock.rows[product_id].available == 5


async def test_a_timed_out_order_released_before_its_reservation_never_holds_stock(
    bus: CatalogBus, uow: FakeCatalogUnitOfWork, kitchen: None
) -> None:
    product_id = await new_product(bus, stock=5)
    order_id, lines = uuid4(), (StockLine(product_id, 2),)

    await bus.handle(c.ReleaseStock(order_id, lines))
    await bus.handle(c.ReserveStock(order_id, lines))

    assert uow.stock.rows[product_id].reserved == 0


async def test_committing_a_paid_order_sells_its_units(
    bus: CatalogBus, uow: FakeCatalogUnitOfWork, kitchen: None
) -> None:
    product_id = await new_product(bus, stock=5)
    order_id = uuid4()
    await bus.handle(c.ReserveStock(order_id, (StockLine(product_id, 2),)))

    await bus.handle(c.CommitStock(order_id))
    await bus.handle(c.CommitStock(uuid4()))

    item = uow.stock.rows[product_id]
    assert (item.on_hand, item.reserved) == (3, 0)
