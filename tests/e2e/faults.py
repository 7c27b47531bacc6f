"""Faults the e2e tests inject from outside the shop."""

from __future__ import annotations

import json
from uuid import uuid4

from aiokafka import AIOKafkaProducer

from shop.topology import ORDER


async def publish_poison_order_event(bootstrap_servers: str) -> str:
    """An `order.confirmed` event no consumer can apply, on the order topic; its event id."""
    event_id = str(uuid4())
    poison = {"id": event_id, "type": "order.confirmed", "data": "not an order"}
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers)
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
    return event_id


SHORT_PAYMENT_DEADLINE = {"SHOP_ORDERING_PAYMENT_TIMEOUT_SECONDS": "5"}
"""The ordering worker's environment for a saga that gives payment 5 s instead of 60 s."""
