"""The catalog worker's handlers on real Kafka and PostgreSQL, fed by ordering's own events."""

from __future__ import annotations

import json
from decimal import Decimal
from uuid import UUID, uuid4

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from integration.context_kafka import consuming, envelope_of, publish, unique_topic
from integration.messaging.support import read_topic
from localinfra.kafka import KafkaBroker
from shop.catalog.bootstrap import bootstrap
from shop.catalog.domain import commands as c
from shop.catalog.entrypoints.consumers import INBOUND
from shop.common.consumer import routes
from shop.common.events import Envelope
from shop.ordering.domain.events import CommitStock, ReleaseStock, ReserveStock, StockLine
from shop.topology import dlq_topic_name
from support.polling import wait_until_async


def saga_command(event: ReserveStock | ReleaseStock | CommitStock) -> Envelope:
    return envelope_of(event, source="ordering", aggregate_type="order", key=str(event.order_id))


async def scalar(engine: AsyncEngine, sql: str) -> object:
    async with engine.connect() as connection:
        return (await connection.execute(text(sql))).scalar()


async def test_saga_stock_commands_are_applied_once_and_answered_through_the_outbox(
    catalog_engine: AsyncEngine, kafka: KafkaBroker
) -> None:
    catalog = bootstrap(catalog_engine)
    await catalog.bus.handle(c.CreateCategory("kitchen", "Kitchen"))
    product_id: UUID = await catalog.bus.handle(
        c.CreateProduct("Mug", "", "kitchen", Decimal("9.50"), "EUR", 5)
    )
    paid, cancelled = uuid4(), uuid4()
    reserve_paid = saga_command(ReserveStock(paid, lines=(StockLine(product_id, 2),)))
    topic = unique_topic("catalog")
    await publish(
        kafka.bootstrap_servers,
        topic,
        reserve_paid,
        reserve_paid,
        saga_command(CommitStock(paid)),
        saga_command(ReserveStock(cancelled, lines=(StockLine(product_id, 1),))),
        saga_command(ReleaseStock(cancelled, lines=(StockLine(product_id, 1),))),
    )

    async with consuming(
        kafka.bootstrap_servers, topic, routes(catalog.bus, INBOUND), catalog.unit_of_work
    ):

        async def released() -> bool:
            count = await scalar(
                catalog_engine,
                "SELECT count(*) FROM catalog.outbox WHERE type = 'stock.released'",
            )
            return count == 1

        await wait_until_async(released, within=30, what="the release of the cancelled order")

    stock = await scalar(
        catalog_engine, "SELECT on_hand || '/' || reserved FROM catalog.stock_items"
    )
    assert stock == "3/0"
    reserved = await scalar(
        catalog_engine, "SELECT count(*) FROM catalog.outbox WHERE type = 'stock.reserved'"
    )
    assert reserved == 2  # one per order: the duplicate delivery changed nothing


async def test_a_malformed_command_is_dead_lettered_at_once(
    catalog_engine: AsyncEngine, kafka: KafkaBroker
) -> None:
    catalog = bootstrap(catalog_engine)
    broken = saga_command(ReserveStock(uuid4(), lines=()))
    topic = unique_topic("catalog")
    payload = json.loads(broken.to_json())
    payload["data"]["order_id"] = "not-an-id"

    async with consuming(
        kafka.bootstrap_servers, topic, routes(catalog.bus, INBOUND), catalog.unit_of_work
    ) as group:
        await publish(kafka.bootstrap_servers, topic, raw=json.dumps(payload).encode())
        (letter,) = await read_topic(
            kafka.bootstrap_servers, dlq_topic_name(topic, group), 1, within=30
        )

    headers = dict(letter.headers)
    assert headers["dlq-error-type"] == b"PoisonMessageError"
    assert headers["dlq-attempts"] == b"1"
