"""The basket worker's handlers on real Kafka, fed with the catalog's own product events."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid4

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from integration.context_kafka import consuming, envelope_of, publish, unique_topic
from localinfra.kafka import KafkaBroker
from shop.basket.bootstrap import bootstrap
from shop.basket.entrypoints.consumers import INBOUND
from shop.catalog.domain.events import (
    ProductCreated,
    ProductDeactivated,
    ProductEvent,
    ProductPriceChanged,
)
from shop.common.consumer import routes
from shop.common.events import Envelope
from support.polling import wait_until_async


def from_catalog(event: ProductEvent) -> Envelope:
    return envelope_of(event, source="catalog", aggregate_type="product", key=str(event.product_id))


def created(product_id: UUID, name: str, price: str) -> ProductCreated:
    return ProductCreated(
        product_id,
        1,
        name=name,
        description="",
        category="kitchen",
        price=Decimal(price),
        currency="EUR",
        active=True,
    )


async def test_product_events_keep_the_basket_copy_current_in_version_order(
    basket_engine: AsyncEngine, kafka: KafkaBroker
) -> None:
    basket = bootstrap(basket_engine)
    mug, tea = uuid4(), uuid4()
    topic = unique_topic("basket")
    await publish(
        kafka.bootstrap_servers,
        topic,
        from_catalog(created(mug, "Mug", "9.50")),
        from_catalog(
            ProductPriceChanged(
                mug,
                2,
                price=Decimal("11.00"),
                currency="EUR",
                previous_price=Decimal("9.50"),
                previous_currency="EUR",
            )
        ),
        from_catalog(created(tea, "Tea", "4.00")),
        from_catalog(ProductDeactivated(tea, 2)),
    )

    async with consuming(
        kafka.bootstrap_servers, topic, routes(basket.bus, INBOUND), basket.unit_of_work
    ):

        async def tea_withdrawn() -> bool:
            async with basket_engine.connect() as connection:
                active = await connection.scalar(
                    text("SELECT active FROM basket.products WHERE product_id = :p"), {"p": tea}
                )
            return active is False

        await wait_until_async(tea_withdrawn, within=30, what="the tea's deactivation")

    async with basket_engine.connect() as connection:
        row = (
            await connection.execute(
                text("SELECT name, price, version FROM basket.products WHERE product_id = :p"),
                {"p": mug},
            )
        ).one()
    assert tuple(row) == ("Mug", Decimal("11.00"), 2)
