"""Bounded retries, poison messages to `<topic>.<group>.dlq`, and replay once fixed."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry

from integration.messaging.conftest import Schema
from integration.messaging.support import (
    apply_credit,
    apply_unless_broken,
    envelope,
    running,
    send,
    unique,
)
from shop.cli import main as shop_cli
from shop.common.consumer import ConsumerMetrics, ConsumerOptions, EventConsumer
from shop.common.consumer.dlq import read_dead_letters
from shop.common.events import Envelope
from shop.common.messaging_settings import InboxSettings
from shop.common.uow import UnitOfWork
from shop.topology import dlq_topic_name
from support.polling import wait_until_async


async def test_poison_and_exhausted_messages_are_dead_lettered_then_replayed(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    schema = await new_schema()
    topic, group = f"t.{unique('dlq')}", unique("g")
    dlq = dlq_topic_name(topic, group)
    await schema.execute("INSERT INTO {s}.switches VALUES ('broken', true)")
    attempts: dict[str, int] = {}

    async def flaky(envelope: Envelope, uow: UnitOfWork) -> None:
        attempts[str(envelope.id)] = attempts.get(str(envelope.id), 0) + 1
        if attempts[str(envelope.id)] < 3:
            raise ConnectionError("database blip")
        await apply_credit(envelope, uow)

    async def doomed(envelope: Envelope, uow: UnitOfWork) -> None:
        raise RuntimeError("always fails")

    consumer = EventConsumer(
        group=group,
        topics=[topic],
        uow_factory=schema.uow,
        bootstrap_servers=bootstrap,
        handlers={
            "account.credited": apply_unless_broken,
            "account.flaky": flaky,
            "account.doomed": doomed,
        },
        metrics=ConsumerMetrics(CollectorRegistry()),
        options=ConsumerOptions(max_attempts=3, backoff_initial_seconds=0.05),
        inbox=InboxSettings.for_schema(schema.name),
    )
    broken = envelope("account.credited", "a", 1)
    unknown_version = envelope("account.credited", "a", 2, version=2)
    flaky_event = envelope("account.flaky", "b", 1)
    doomed_event = envelope("account.doomed", "c", 1)
    ignored = envelope("account.renamed", "d", 1)
    await send(
        bootstrap,
        topic,
        [b"not json {", unknown_version, broken, flaky_event, doomed_event, ignored],
    )

    async with running(consumer.run):
        await wait_until_async(
            lambda: _letters(bootstrap, dlq, 4), within=60, what="4 dead letters"
        )
        await wait_until_async(
            lambda: _applied(schema, 1), within=30, what="the flaky event applied"
        )
        letters = {letter.offset: letter for letter in await read_dead_letters(bootstrap, dlq)}
        assert sorted(letters) == [0, 1, 2, 3]
        kinds = [
            (
                letters[o].header("dlq-error-type"),
                letters[o].header("dlq-attempts"),
                letters[o].header("dlq-original-offset"),
            )
            for o in sorted(letters)
        ]
        assert kinds == [
            ("PoisonMessageError", "1", "0"),
            ("PoisonMessageError", "1", "1"),
            ("PermanentError", "1", "2"),
            ("RuntimeError", "3", "4"),
        ]
        assert all(letter.header("dlq-original-topic") == topic for letter in letters.values())
        assert all(letter.header("dlq-consumer-group") == group for letter in letters.values())
        assert "not handled" in (letters[1].header("dlq-error-message") or "")
        assert attempts[str(flaky_event.id)] == 3

        listed = await asyncio.to_thread(_cli_output, ["dlq", "list", dlq], bootstrap)
        assert [json.loads(line)["event_id"] for line in listed.splitlines()] == [
            None,
            str(unknown_version.id),
            str(broken.id),
            str(doomed_event.id),
        ]

        # The fix ships: the handler works again; replay just that dead letter.
        await schema.execute("UPDATE {s}.switches SET value = false WHERE name = 'broken'")
        replayed = await asyncio.to_thread(
            _cli_output, ["dlq", "replay", dlq, "--event-id", str(broken.id)], bootstrap
        )
        assert json.loads(replayed)["replayed"]["event_id"] == str(broken.id)
        await wait_until_async(lambda: _applied(schema, 2), within=30, what="the replayed event")

    applied = await schema.rows("SELECT event_id FROM {s}.applied ORDER BY n")
    assert [row[0] for row in applied] == [flaky_event.id, broken.id]
    assert len(await read_dead_letters(bootstrap, dlq)) == 4  # replay leaves the DLQ as it was


def _cli_output(argv: list[str], bootstrap: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert shop_cli([*argv, "--bootstrap-servers", bootstrap]) == 0
    return out.getvalue()


async def _letters(bootstrap: str, dlq: str, count: int) -> bool:
    try:
        return len(await read_dead_letters(bootstrap, dlq)) >= count
    except LookupError:
        return False


async def _applied(schema: Schema, count: int) -> bool:
    return bool(await schema.scalar("SELECT count(*) FROM {s}.applied") == count)
