"""A consumer worker process for the kill/shutdown tests (run with `python -m`).

Environment: SHOP_DATABASE_URL, SHOP_KAFKA_BOOTSTRAP_SERVERS, SHOP_HTTP_PORT (the worker's),
TEST_SCHEMA, TEST_TOPIC, TEST_GROUP, TEST_HANDLER_DELAY_SECONDS; optionally TEST_MARK_FILE and
TEST_MARK_AFTER_CALLS: the handler call of that number writes its event id to the file, outside
the transaction, and then holds the transaction open, as does every later call (another lane's
chunk in hand too): a kill then lands mid-batch for sure, and nothing commits meanwhile.

It fetches 50 records per poll and applies them in chunks of 25, each partition a lane of its
own applied concurrently: at 30 ms a record, the 75th call falls in a lane's second chunk.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker

from integration.messaging.support import apply_credit
from shop.common.consumer import ConsumerMetrics, ConsumerOptions, EventConsumer
from shop.common.events import Envelope
from shop.common.graceful import run_until_cancelled
from shop.common.messaging_settings import InboxSettings
from shop.common.metrics_http import new_registry
from shop.common.outbox import messaging_tables
from shop.common.process import ProcessContext
from shop.common.settings import ServiceSettings
from shop.common.uow import UnitOfWork
from shop.common.worker import run_worker


def main() -> int:
    schema, topic, group = (os.environ[f"TEST_{name}"] for name in ("SCHEMA", "TOPIC", "GROUP"))
    delay = float(os.environ.get("TEST_HANDLER_DELAY_SECONDS", "0"))
    mark_file = os.environ.get("TEST_MARK_FILE")
    mark_after = int(os.environ.get("TEST_MARK_AFTER_CALLS", "0"))
    calls = 0
    settings = ServiceSettings(service_name="test-consumer")
    registry = new_registry()
    metrics = ConsumerMetrics(registry)
    tables = messaging_tables(schema)

    async def slow_apply(envelope: Envelope, uow: UnitOfWork) -> None:
        nonlocal calls
        await apply_credit(envelope, uow)
        calls += 1
        if mark_file and calls >= mark_after:
            if calls == mark_after:
                await asyncio.to_thread(Path(mark_file).write_text, str(envelope.id))
            await asyncio.sleep(30)
        await asyncio.sleep(delay)  # inside the transaction: a kill here loses it whole

    async def consume(process: ProcessContext) -> None:
        sessions = async_sessionmaker(process.engine, expire_on_commit=False)
        consumer = EventConsumer(
            group=group,
            topics=[topic],
            handlers={"account.credited": slow_apply},
            uow_factory=lambda: UnitOfWork(sessions, tables, source="tests"),
            bootstrap_servers=settings.kafka_bootstrap_servers,
            metrics=metrics,
            options=ConsumerOptions(max_records=50, batch_size=25),
            inbox=InboxSettings.for_schema(tables.schema),
        )
        await run_until_cancelled(consumer.run)

    return run_worker(settings=settings, registry=registry, tasks={"consumer": consume})


if __name__ == "__main__":
    sys.exit(main())
