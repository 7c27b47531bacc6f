"""The consumer's fixed cost per message: CPU and round trips, without Kafka in the way.

Starts PostgreSQL itself (hack/localinfra), migrates payment's schema and applies `--messages`
saga payment commands (`saga.request-payment`, the gateway answering at once) through the
consumer's real processors, as `EventConsumer` hands them a poll: one at a time (payment's
worker applies each message alone) and in batches of 50 (the other workers, under load).
Prints, per path, the worker's CPU per message (user and system) and the statements and
transactions it sends PostgreSQL per message, counted on the connections (asyncpg's query
logger), then the figures as a JSON line.
`python -m bench.consumer_path [--messages N]` from the repository root, after
`eval "$(make -s env)"`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import uuid
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import uvloop
from aiokafka import AIOKafkaProducer, ConsumerRecord
from prometheus_client import CollectorRegistry
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from localinfra.postgres import PostgresServer
from shop.common.consumer import (
    ConsumerMetrics,
    ConsumerOptions,
    MessageProcessor,
    Outcome,
    routes,
)
from shop.common.consumer.batch import BatchProcessor
from shop.common.events import Envelope
from shop.common.migrations import upgrade
from shop.ordering.domain.events import RequestPayment
from shop.payment.adapters.mock_gateway import MockGateway
from shop.payment.bootstrap import bootstrap
from shop.payment.entrypoints.consumers import INBOUND

TOPIC = "shop.payment.commands"
WARM_UP = 300
PATHS = {"single": 1, "batch of 50": 50}


class QueryCount:
    """Every statement the engine's connections send: SQLAlchemy's, and those sent on the
    asyncpg connection directly (`BEGIN` and `COMMIT` included)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements = 0
        self.commits = 0
        event.listen(engine.sync_engine, "connect", self._attach)
        event.listen(engine.sync_engine, "before_cursor_execute", self._executed)

    def _executed(self, *_: object) -> None:
        self.statements += 1

    def _attach(self, dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.driver_connection.add_query_logger(self._logged)

    def _logged(self, record: Any) -> None:
        self.statements += 1
        self.commits += record.query.strip().rstrip(";").upper() == "COMMIT"


def commands(count: int) -> list[ConsumerRecord[bytes, bytes]]:
    """`count` payment requests of new orders, as the consumer receives them."""
    polled: list[ConsumerRecord[bytes, bytes]] = []
    for offset in range(count):
        order = uuid.uuid4()
        command = RequestPayment(
            order, customer_id="alice", amount=Decimal("23.00"), currency="EUR"
        )
        envelope = Envelope.wrap(
            command, source="ordering", aggregate_type="order", aggregate_id=str(order)
        )
        value = envelope.to_json()
        polled.append(
            ConsumerRecord(TOPIC, 0, offset, 0, 0, envelope.key, value, None, 0, len(value), [])
        )
    return polled


async def measure(database_url: str, messages: int, batch_size: int) -> dict[str, float]:
    """CPU and statements per message of one path (a fresh engine, warmed up first)."""
    engine = create_async_engine(database_url, pool_size=5)
    counted = QueryCount(engine)
    payments = bootstrap(engine, MockGateway(failure_rate=0.0))
    dlq = AIOKafkaProducer()  # never started: no message here is dead-lettered
    single = MessageProcessor(
        group="bench",
        handlers=routes(payments.bus, INBOUND),
        uow_factory=payments.unit_of_work,
        dlq_producer=dlq,
        metrics=ConsumerMetrics(CollectorRegistry()),
        options=ConsumerOptions(batch_size=batch_size),
        stop=asyncio.Event(),
    )
    processor = BatchProcessor(single, payments.unit_of_work, batch_size)
    try:
        await _apply(processor, commands(WARM_UP))
        polled = commands(messages)
        statements, commits, before = counted.statements, counted.commits, os.times()
        await _apply(processor, polled)
        after = os.times()
    finally:
        await dlq.stop()
        await engine.dispose()
    return {
        "user_us_per_message": round((after.user - before.user) / messages * 1e6),
        "system_us_per_message": round((after.system - before.system) / messages * 1e6),
        "statements_per_message": round((counted.statements - statements) / messages, 2),
        "transactions_per_message": round((counted.commits - commits) / messages, 3),
    }


async def _apply(
    processor: BatchProcessor[Any], polled: Sequence[ConsumerRecord[Any, Any]]
) -> None:
    """Hand `polled` over as polls of 100, as `EventConsumer` does."""
    outcomes: list[Outcome] = []
    for start in range(0, len(polled), 100):
        await processor.process(polled[start : start + 100], lambda _, o: outcomes.append(o))
    if set(outcomes) != {Outcome.HANDLED}:
        raise RuntimeError(f"not every command was handled: {set(outcomes)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000, help="messages per path")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bench-consumer-path-"))
    workdir.chmod(0o755)  # PostgreSQL runs unprivileged
    with PostgresServer(workdir) as postgres:
        postgres.create_database("payment_bench")
        url = postgres.dsn("payment_bench", driver="postgresql+asyncpg")
        upgrade("payment", url)
        figures = {
            name: uvloop.run(measure(url, args.messages, size)) for name, size in PATHS.items()
        }
    print(f"{'path':<13}{'user us':>9}{'system us':>11}{'statements':>12}{'transactions':>14}")
    for name, row in figures.items():
        print(
            f"{name:<13}{row['user_us_per_message']:>9}{row['system_us_per_message']:>11}"
            f"{row['statements_per_message']:>12}{row['transactions_per_message']:>14}"
        )
    print(json.dumps({"messages": args.messages, "paths": figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
