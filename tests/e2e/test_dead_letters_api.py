"""A message the reports worker cannot apply shows up in the reports API's dead letters."""

from __future__ import annotations

import json
from uuid import uuid4

from aiokafka import AIOKafkaProducer

from e2e.local_shop import LocalShop, eventually
from localinfra.kafka import KafkaBroker
from shop.topology import ORDER


async def test_a_poison_order_event_is_listed_among_the_reports_dead_letters(
    shop: LocalShop, kafka: KafkaBroker
) -> None:
    event_id = str(uuid4())
    poison = {"id": event_id, "type": "order.confirmed", "data": "not an order"}
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(
            ORDER.name,
            json.dumps(poison).encode(),
            key=str(uuid4()).encode(),
            headers=[("event-id", event_id.encode()), ("event-type", b"order.confirmed")],
        )
    finally:
        await producer.stop()

    async def letters() -> list[dict[str, object]]:
        found: list[dict[str, object]] = await shop.get("reports", "/reports/dead-letters")
        return found

    found = await eventually(
        letters, lambda ls: any(x["event_id"] == event_id for x in ls), "the dead letter", 90
    )
    (letter,) = [x for x in found if x["event_id"] == event_id]
    assert letter["topic"] == "shop.ordering.order.shop.reports.dlq"
    assert letter["original_topic"] == ORDER.name
    assert letter["consumer_group"] == "shop.reports"
    assert letter["error_type"]
