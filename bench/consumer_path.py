"""The consumer's cost per message: CPU and round trips, without Kafka in the way.

Starts PostgreSQL itself (hack/localinfra), migrates one context's schema and applies
`--messages` messages through the consumer's real processors and that context's handlers, as
`EventConsumer` hands them a poll: one at a time (payment's worker applies each message alone)
and in batches of 50 (the other workers, under load). `--context payment` (the default):
saga payment commands (`saga.request-payment`, the gateway answering at once), the runtime's
fixed cost plus payment's two statements. `--context ordering`: the saga's three messages of
each order in turn (`basket.checked-out`, `stock.reserved`, `payment.succeeded`, one line
each, every order another customer's), what ordering's worker does per order.
Records carry the `event-type` header, as both relays write it. `--unix-socket`: the
workers' connections go over the server's Unix socket instead of TCP on 127.0.0.1.
Prints, per path, the worker's CPU per message (user and system) and the statements and
transactions it sends PostgreSQL per message, counted on the connections (asyncpg's query
logger), then the figures as a JSON line.
`python -m bench.consumer_path [--context payment|ordering] [--messages N] [--unix-socket]`
from the repository root, after `eval "$(make -s env)"`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import uvloop
from aiokafka import AIOKafkaProducer, ConsumerRecord
from prometheus_client import CollectorRegistry
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from localinfra.postgres import PostgresServer
from shop.basket.domain.events import BasketCheckedOut
from shop.basket.domain.events import OrderLine as CartLine
from shop.catalog.domain.events import StockLine, StockReserved
from shop.common.bootstrap import Wired
from shop.common.consumer import (
    ConsumerMetrics,
    ConsumerOptions,
    MessageProcessor,
    Outcome,
    routes,
)
from shop.common.consumer.batch import BatchProcessor
from shop.common.database_socket import over_unix_socket
from shop.common.events import DomainEvent, Envelope
from shop.common.headers import EVENT_TYPE_HEADER
from shop.common.migrations import upgrade
from shop.ordering import bootstrap as ordering
from shop.ordering.domain.events import RequestPayment
from shop.ordering.domain.saga_state import SagaTimeouts
from shop.ordering.entrypoints.consumers import INBOUND as ORDERING_INBOUND
from shop.ordering.service_layer.handlers import OrderingDependencies
from shop.payment import bootstrap as payment
from shop.payment.adapters.mock_gateway import MockGateway
from shop.payment.domain.events import PaymentSucceeded
from shop.payment.entrypoints.consumers import INBOUND as PAYMENT_INBOUND

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


@dataclass(frozen=True)
class Scenario:
    """A context's schema, its wiring and inbound table, and the events of one unit of work
    (an order's messages to that context, in order)."""

    schema: str
    wire: Callable[[AsyncEngine], Wired[Any, Any]]
    inbound: dict[str, Any]
    events: Callable[[uuid.UUID, int], Sequence[DomainEvent]]


def _payment_events(order: uuid.UUID, _: int) -> Sequence[DomainEvent]:
    return [RequestPayment(order, customer_id="alice", amount=Decimal("23.00"), currency="EUR")]


def _ordering_events(order: uuid.UUID, number: int) -> Sequence[DomainEvent]:
    product, now = uuid.uuid4(), datetime.now(UTC)
    customer, price = f"customer-{number}", Decimal("23.00")
    line = CartLine(product, "Mug", 1, price)
    return [
        BasketCheckedOut(order, customer, None, (line,), price, "EUR", now),
        StockReserved(order_id=order, lines=(StockLine(product, 1),)),
        PaymentSucceeded(
            order_id=order,
            customer_id=customer,
            amount=price,
            currency="EUR",
            at=now,
            reference=f"ref-{number}",
        ),
    ]


_TIMEOUTS = SagaTimeouts(stock_reservation=timedelta(minutes=5), payment=timedelta(minutes=5))
SCENARIOS = {
    "payment": Scenario(
        "payment",
        lambda engine: payment.bootstrap(engine, MockGateway(failure_rate=0.0)),
        PAYMENT_INBOUND,
        _payment_events,
    ),
    "ordering": Scenario(
        "ordering",
        lambda engine: ordering.bootstrap(engine, OrderingDependencies(_TIMEOUTS)),
        ORDERING_INBOUND,
        _ordering_events,
    ),
}


def records(scenario: Scenario, count: int) -> list[ConsumerRecord[bytes, bytes]]:
    """`count` messages of new orders, as the consumer receives them."""
    polled: list[ConsumerRecord[bytes, bytes]] = []
    number = 0
    while len(polled) < count:
        order, number = uuid.uuid4(), number + 1
        for message in scenario.events(order, number):
            envelope = Envelope.wrap(
                message, source="bench", aggregate_type="order", aggregate_id=str(order)
            )
            value, headers = envelope.to_json(), [(EVENT_TYPE_HEADER, envelope.type.encode())]
            offset = len(polled)
            polled.append(
                ConsumerRecord(
                    "bench", 0, offset, 0, 0, envelope.key, value, None, 0, len(value), headers
                )
            )
    return polled[:count]


async def measure(
    scenario: Scenario, database_url: str, messages: int, batch_size: int
) -> dict[str, float]:
    """CPU and statements per message of one path (a fresh engine, warmed up first)."""
    engine = create_async_engine(database_url, pool_size=5)
    counted = QueryCount(engine)
    context = scenario.wire(engine)
    dlq = AIOKafkaProducer()  # never started: no message here is dead-lettered
    single = MessageProcessor(
        group="bench",
        handlers=routes(context.bus, scenario.inbound),
        uow_factory=context.unit_of_work,
        dlq_producer=dlq,
        metrics=ConsumerMetrics(CollectorRegistry()),
        options=ConsumerOptions(batch_size=batch_size),
        stop=asyncio.Event(),
    )
    processor = BatchProcessor(single, context.unit_of_work, batch_size)
    try:
        await _apply(processor, records(scenario, WARM_UP))
        polled = records(scenario, messages)
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
    parser.add_argument("--context", choices=sorted(SCENARIOS), default="payment")
    parser.add_argument("--messages", type=int, default=3000, help="messages per path")
    parser.add_argument(
        "--unix-socket", action="store_true", help="connect over the server's Unix socket"
    )
    args = parser.parse_args(argv)
    scenario = SCENARIOS[args.context]
    workdir = Path(tempfile.mkdtemp(prefix="bench-consumer-path-"))
    workdir.chmod(0o755)  # PostgreSQL runs unprivileged
    with PostgresServer(workdir) as postgres:
        postgres.create_database(f"{scenario.schema}_bench")
        url = postgres.dsn(f"{scenario.schema}_bench", driver="postgresql+asyncpg")
        upgrade(scenario.schema, url)
        if args.unix_socket:
            url = over_unix_socket(url, postgres.socket_dir)
        figures = {
            name: uvloop.run(measure(scenario, url, args.messages, size))
            for name, size in PATHS.items()
        }
    print(f"{'path':<13}{'user us':>9}{'system us':>11}{'statements':>12}{'transactions':>14}")
    for name, row in figures.items():
        print(
            f"{name:<13}{row['user_us_per_message']:>9}{row['system_us_per_message']:>11}"
            f"{row['statements_per_message']:>12}{row['transactions_per_message']:>14}"
        )
    print(json.dumps({"context": args.context, "messages": args.messages, "paths": figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
