"""Outbox modes: Debezium publishes every event while the outbox stays empty; the relay's rows
stay until it has published them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
from aiokafka import ConsumerRecord

from integration.messaging.conftest import Schema
from integration.messaging.support import AccountCredited, read_topic, relay_for, running
from localinfra.connect import KafkaConnect
from shop.common.consumer.dlq import read_dead_letters
from shop.common.debezium import replication_names
from shop.common.events import Envelope
from shop.common.headers import EVENT_ID_HEADER
from shop.common.messaging_settings import OutboxMode
from support.polling import wait_until_async

OUTBOX_ROWS = "SELECT count(*) FROM {s}.outbox"


async def _commit_credits(schema: Schema, account_id: str, times: int) -> list[Envelope]:
    """One transaction with `times` events of one aggregate; the envelopes it committed."""
    async with schema.uow() as uow:
        for seq in range(1, times + 1):
            uow.publish(
                AccountCredited(account_id, 10, seq),
                aggregate_type="account",
                aggregate_id=account_id,
            )
        return await uow.commit()


def _arrived(records: list[ConsumerRecord]) -> list[Envelope]:
    return [Envelope.from_json(record.value) for record in records]


async def _on_topic(bootstrap: str, topic: str) -> list[Envelope]:
    """Every event currently on a topic, in partition order."""
    return [
        Envelope.from_json(message.value or b"")
        for message in await read_dead_letters(bootstrap, topic)
    ]


async def test_debezium_mode_publishes_every_event_and_keeps_the_outbox_empty(
    new_schema: Callable[[], Awaitable[Schema]],
    debezium: Callable[[Schema], Awaitable[None]],
    bootstrap: str,
) -> None:
    schema = await new_schema()
    await debezium(schema)
    schema.outbox_mode = OutboxMode.DEBEZIUM
    assert schema.uow().outbox_mode is OutboxMode.DEBEZIUM

    committed: list[Envelope] = []
    for account in ("acc-1", "acc-2", "acc-3"):
        committed += await _commit_credits(schema, account, times=4)
        assert await schema.scalar(OUTBOX_ROWS) == 0

    records = await read_topic(bootstrap, schema.topic, len(committed), within=90)
    arrived = _arrived(records)
    assert sorted(str(e.id) for e in arrived) == sorted(str(e.id) for e in committed)
    assert all(
        dict(r.headers)[EVENT_ID_HEADER] == str(e.id).encode()
        for r, e in zip(records, arrived, strict=True)
    )
    for account in ("acc-1", "acc-2", "acc-3"):  # per-aggregate order survives the deletes
        assert [e.data["seq"] for e in arrived if e.aggregate_id == account] == [1, 2, 3, 4]
    assert await schema.scalar(OUTBOX_ROWS) == 0


async def test_debezium_mode_keeps_rows_for_the_snapshot_until_the_slot_is_ready(
    new_schema: Callable[[], Awaitable[Schema]],
    debezium: Callable[[Schema], Awaitable[None]],
    bootstrap: str,
) -> None:
    schema = await new_schema()
    schema.outbox_mode = OutboxMode.DEBEZIUM
    early = await _commit_credits(schema, "acc-early", times=2)
    assert await schema.scalar(OUTBOX_ROWS) == 2  # no slot yet: deleting would lose them

    await debezium(schema)
    later = await _commit_credits(schema, "acc-later", times=3)
    assert await schema.scalar(OUTBOX_ROWS) == 2  # the slot keeps these in the WAL

    async def all_published() -> bool:
        published = {e.id for e in await _on_topic(bootstrap, schema.topic)}
        return {e.id for e in early + later} <= published

    await wait_until_async(all_published, within=90, what="the snapshotted and the streamed events")


async def test_debezium_mode_loses_nothing_written_while_the_connector_is_stopped(
    new_schema: Callable[[], Awaitable[Schema]],
    debezium: Callable[[Schema], Awaitable[None]],
    kafka_connect: KafkaConnect,
    bootstrap: str,
) -> None:
    schema = await new_schema()
    await debezium(schema)
    schema.outbox_mode = OutboxMode.DEBEZIUM
    before = await _commit_credits(schema, "acc-1", times=2)
    await read_topic(bootstrap, schema.topic, len(before), within=90)

    connector = schema.name.replace("_", "-")
    await _connector_action(kafka_connect, connector, "stop")
    await wait_until_async(
        lambda: _slot_active(schema, active=False),
        within=60,
        what="the replication slot to be released",
    )
    during = await _commit_credits(schema, "acc-1", times=3)
    assert await schema.scalar(OUTBOX_ROWS) == 0
    await _connector_action(kafka_connect, connector, "resume")

    async def all_published() -> bool:  # at least once: a resumed connector may repeat some
        return {e.id for e in during} <= {e.id for e in await _on_topic(bootstrap, schema.topic)}

    await wait_until_async(all_published, within=90, what="the events written while stopped")
    ids = {e.id for e in during}
    arrived = [e for e in await _on_topic(bootstrap, schema.topic) if e.id in ids]
    assert [e.data["seq"] for e in arrived][:3] == [1, 2, 3]


async def test_relay_mode_keeps_rows_until_the_relay_has_published_them(
    new_schema: Callable[[], Awaitable[Schema]],
    bootstrap: str,
) -> None:
    schema = await new_schema()
    schema.outbox_mode = OutboxMode.RELAY
    committed = await _commit_credits(schema, "acc-1", times=3)
    committed += await _commit_credits(schema, "acc-2", times=3)
    assert await schema.scalar(OUTBOX_ROWS) == 6

    async with running(relay_for(schema.name, schema.dsn, bootstrap).run):
        records = await read_topic(bootstrap, schema.topic, len(committed), within=30)
        await wait_until_async(
            lambda: _count_is(schema, OUTBOX_ROWS, 0),
            within=30,
            what="the relay to delete the published rows",
        )

    assert {str(e.id) for e in _arrived(records)} == {str(e.id) for e in committed}


async def _connector_action(connect: KafkaConnect, name: str, action: str) -> None:
    """`PUT /connectors/<name>/stop|resume` (stop shuts the task down and frees the slot)."""
    async with httpx.AsyncClient(base_url=connect.rest_url, timeout=30) as client:
        response = await client.put(f"/connectors/{name}/{action}")
    assert response.status_code in (202, 204), response.text
    if action == "resume":
        await asyncio.to_thread(connect.wait_connector_running, name, 120)


async def _slot_active(schema: Schema, *, active: bool) -> bool:
    slot = replication_names(schema.name)
    return bool(
        await schema.scalar(
            f"SELECT active = {str(active).lower()} FROM pg_replication_slots"
            f" WHERE slot_name = '{slot}'"
        )
    )


async def _count_is(schema: Schema, sql: str, expected: int) -> bool:
    return bool(await schema.scalar(sql) == expected)
