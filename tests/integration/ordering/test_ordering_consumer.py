"""The saga worker's handlers on real Kafka, fed with the events basket, catalog and payment
really publish (their own event classes): the cross-context contracts."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from integration.context_kafka import consuming, envelope_of, publish, unique_topic
from integration.messaging.support import read_topic
from localinfra.kafka import KafkaBroker
from shop.basket.domain.events import BasketCheckedOut, OrderLine
from shop.catalog.domain.events import StockLine, StockReserved
from shop.common.consumer import routes
from shop.ordering.bootstrap import bootstrap
from shop.ordering.entrypoints.consumers import INBOUND
from shop.ordering.service_layer.handlers import OrderingDependencies
from shop.payment.domain.events import PaymentSucceeded
from shop.topology import dlq_topic_name
from support.polling import wait_until_async
from unit.ordering.ordering_builders import TIMEOUTS

NOW = datetime.now(UTC)


async def scalar(engine: AsyncEngine, sql: str) -> object:
    async with engine.connect() as connection:
        return (await connection.execute(text(sql))).scalar()


async def test_a_checkout_and_its_replies_confirm_the_order(
    ordering_engine: AsyncEngine, kafka: KafkaBroker
) -> None:
    ordering = bootstrap(ordering_engine, OrderingDependencies(TIMEOUTS))
    order_id, mug = uuid4(), uuid4()
    checked_out = BasketCheckedOut(
        order_id,
        "alice",
        "alice@example.com",
        (OrderLine(mug, "Mug", 2, Decimal("9.50")),),
        Decimal("19.00"),
        "EUR",
        NOW,
    )
    reserved = StockReserved(order_id, lines=(StockLine(mug, 2),))
    paid = PaymentSucceeded(
        order_id=order_id,
        customer_id="alice",
        amount=Decimal("19.00"),
        currency="EUR",
        at=NOW,
        reference="ch_1",
    )
    topic = unique_topic("ordering")
    await publish(
        kafka.bootstrap_servers,
        topic,
        envelope_of(checked_out, source="basket", aggregate_type="cart", key="alice"),
        envelope_of(reserved, source="catalog", aggregate_type="reservation", key=str(order_id)),
        envelope_of(paid, source="payment", aggregate_type="payment", key=str(order_id)),
    )

    async with consuming(
        kafka.bootstrap_servers, topic, routes(ordering.bus, INBOUND), ordering.unit_of_work
    ):

        async def confirmed() -> bool:
            status = await scalar(ordering_engine, "SELECT status FROM ordering.orders")
            return status == "CONFIRMED"

        await wait_until_async(confirmed, within=30, what="the order's confirmation")

    assert await scalar(ordering_engine, "SELECT email FROM ordering.orders") == "alice@example.com"
    commands = await scalar(
        ordering_engine,
        "SELECT string_agg(type, ',' ORDER BY id) FROM ordering.outbox WHERE type LIKE 'saga.%'",
    )
    assert commands == "saga.reserve-stock,saga.request-payment,saga.commit-stock"


async def test_a_checkout_whose_total_does_not_add_up_is_dead_lettered(
    ordering_engine: AsyncEngine, kafka: KafkaBroker
) -> None:
    ordering = bootstrap(ordering_engine, OrderingDependencies(TIMEOUTS))
    wrong = BasketCheckedOut(
        uuid4(),
        "alice",
        None,
        (OrderLine(uuid4(), "Mug", 1, Decimal(5)),),
        Decimal(50),
        "EUR",
        NOW,
    )
    topic = unique_topic("ordering")

    async with consuming(
        kafka.bootstrap_servers, topic, routes(ordering.bus, INBOUND), ordering.unit_of_work
    ) as group:
        await publish(
            kafka.bootstrap_servers,
            topic,
            envelope_of(wrong, source="basket", aggregate_type="cart", key="alice"),
        )
        (letter,) = await read_topic(
            kafka.bootstrap_servers, dlq_topic_name(topic, group), 1, within=30
        )

    assert dict(letter.headers)["dlq-error-type"] == b"PermanentError"
    assert await scalar(ordering_engine, "SELECT count(*) FROM ordering.orders") == 0
