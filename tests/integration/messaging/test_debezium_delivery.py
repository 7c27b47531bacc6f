"""The Debezium relay delivers the same envelope and headers as the built-in relay."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal

from integration.messaging.conftest import Schema
from integration.messaging.support import (
    Account,
    consumer_for,
    credit,
    read_topic,
    relay_for,
    running,
    unique,
)
from shop.common.events import DomainEvent, Envelope
from shop.common.headers import (
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    ID_HEADER,
    TRACEPARENT_HEADER,
    TRACESTATE_HEADER,
)
from support.polling import wait_until_async


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int
    price: Decimal


@dataclass(frozen=True)
class OrderPlaced(DomainEvent):
    """Rich data: nested objects, arrays of objects, strings for money, booleans."""

    type = "order.placed"
    order_id: str
    lines: tuple[OrderLine, ...]
    tags: tuple[str, ...]
    express: bool
    shipping: dict[str, str] = field(default_factory=dict)


async def _place_order(schema: Schema, order_id: str) -> None:
    event = OrderPlaced(
        order_id,
        lines=(OrderLine("sku-1", 2, Decimal("9.99")), OrderLine("sku-2", 1, Decimal("0.50"))),
        tags=("gift", "priority"),
        express=True,
        shipping={"city": "Lyon", "zip": "69001"},
    )
    async with schema.uow() as uow:
        uow.publish(event, aggregate_type="order", aggregate_id=order_id)
        await uow.commit()


async def test_both_relays_deliver_identical_envelopes_and_headers(
    new_schema: Callable[[], Awaitable[Schema]],
    debezium: Callable[[Schema], Awaitable[None]],
    bootstrap: str,
) -> None:
    via_relay, via_debezium = await new_schema(), await new_schema()
    for schema in (via_relay, via_debezium):
        await _place_order(schema, "order-1")
    stored = {
        schema.name: await schema.scalar("SELECT payload::text FROM {s}.outbox")
        for schema in (via_relay, via_debezium)
    }

    await debezium(via_debezium)
    async with running(relay_for(via_relay.name, via_relay.dsn, bootstrap).run):
        from_relay = (await read_topic(bootstrap, via_relay.topic, 1, within=30))[0]
    from_debezium = (await read_topic(bootstrap, via_debezium.topic, 1, within=90))[0]

    for record, schema in ((from_relay, via_relay), (from_debezium, via_debezium)):
        envelope = json.loads(record.value)
        assert envelope == json.loads(str(stored[schema.name]))
        assert Envelope.from_dict(envelope).data["lines"][0] == {
            "sku": "sku-1",
            "quantity": 2,
            "price": "9.99",
        }
        headers = dict(record.headers)
        assert headers[ID_HEADER] == headers[EVENT_ID_HEADER] == envelope["id"].encode()
        assert headers[EVENT_TYPE_HEADER] == b"order.placed"
        assert record.key == b"order-1"
    # Trace headers depend on tracing being on in each relay's process (see the ADR on tracing);
    # every other header is the same, in the same order.
    assert _names(from_relay.headers) == _names(from_debezium.headers)
    assert _without_ids(from_relay.value) == _without_ids(from_debezium.value)


async def test_events_relayed_by_debezium_are_applied_once(
    new_schema: Callable[[], Awaitable[Schema]],
    debezium: Callable[[Schema], Awaitable[None]],
    bootstrap: str,
) -> None:
    producer_side, consumer_side = await new_schema(), await new_schema()
    accounts = [Account(f"acc-{i}") for i in range(2)]
    await credit(producer_side.uow(), accounts[0], 3, times=3)  # before the slot exists
    await debezium(producer_side)
    await credit(producer_side.uow(), accounts[1], 4, times=3)

    consumer = consumer_for(unique("g"), producer_side.topic, consumer_side.uow, bootstrap)
    async with running(consumer.run):
        await wait_until_async(
            lambda: _count_is(consumer_side, "SELECT count(*) FROM {s}.applied", 6),
            within=90,
            what="6 applied events",
        )
    applied = await consumer_side.rows("SELECT account_id, seq FROM {s}.applied ORDER BY n")
    for account in accounts:
        assert [seq for acc, seq in applied if acc == account.id] == [1, 2, 3]
    assert await consumer_side.scalar("SELECT count(DISTINCT event_id) FROM {s}.inbox") == 6


def _names(headers: list[tuple[str, bytes]]) -> list[str]:
    return [name for name, _ in headers if name not in (TRACEPARENT_HEADER, TRACESTATE_HEADER)]


def _without_ids(value: bytes) -> dict[str, object]:
    document = json.loads(value)
    return {k: v for k, v in document.items() if k not in ("id", "occurredAt", "source")}


async def _count_is(schema: Schema, sql: str, expected: int) -> bool:
    return bool(await schema.scalar(sql) == expected)
