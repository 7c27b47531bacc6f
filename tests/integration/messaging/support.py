"""Shared pieces of the messaging integration tests: a tiny domain, a projection, Kafka reads."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from prometheus_client import CollectorRegistry
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shop.common.aggregate import Aggregate
from shop.common.consumer import ConsumerMetrics, ConsumerOptions, EventConsumer, PermanentError
from shop.common.consumer.dlq import assign_all_partitions
from shop.common.consumer.inbound import RouteHandler
from shop.common.consumer.lanes import lane_of
from shop.common.events import DomainEvent, Envelope
from shop.common.headers import EVENT_ID_HEADER, EVENT_TYPE_HEADER
from shop.common.messaging_settings import InboxSettings
from shop.common.relay import OutboxRelay, RelayMetrics, RelayOptions
from shop.common.uow import UnitOfWork
from support.polling import wait_until_async

if TYPE_CHECKING:
    from integration.messaging.conftest import Schema

P = TypeVar("P")


@dataclass(frozen=True)
class AccountCredited(DomainEvent):
    type = "account.credited"
    account_id: str
    amount: int
    seq: int


class Account(Aggregate):
    """Not mapped: tests write its row with SQL and hand it to the unit of work."""

    aggregate_type = "account"

    def __init__(self, account_id: str) -> None:
        self.id = account_id
        self.seq = 0

    def credit(self, amount: int) -> None:
        self.seq += 1
        self.record(AccountCredited(self.id, amount, self.seq))


async def credit(uow: UnitOfWork, account: Account, amount: int, times: int = 1) -> None:
    """One transaction: the state change (a ledger row per credit) and its events."""
    async with uow:
        for _ in range(times):
            account.credit(amount)
            await uow.session.execute(
                text(
                    f"INSERT INTO {uow.tables.schema}.ledger (account_id, seq, amount)"
                    " VALUES (:a, :s, :m)"
                ),
                {"a": account.id, "s": account.seq, "m": amount},
            )
        uow.track(account)
        await uow.commit()


STATE_SQL = [
    "CREATE TABLE {s}.ledger (account_id text, seq int, amount int, PRIMARY KEY (account_id, seq))",
    # What consumers apply: one row per applied event, in applied order.
    "CREATE TABLE {s}.applied (n bigserial PRIMARY KEY, event_id uuid, account_id text, seq int)",
    "CREATE TABLE {s}.switches (name text PRIMARY KEY, value boolean)",
]


async def apply_credit(envelope: Envelope, uow: UnitOfWork) -> None:
    """The consumer's effect: record the event as applied (twice would be a bug)."""
    await uow.session.execute(
        text(
            f"INSERT INTO {uow.tables.schema}.applied (event_id, account_id, seq)"
            " VALUES (:e, :a, :s)"
        ),
        {"e": envelope.id, "a": envelope.data["account_id"], "s": envelope.data["seq"]},
    )


async def apply_unless_broken(envelope: Envelope, uow: UnitOfWork) -> None:
    """Fails permanently while the `broken` switch is on (a bug awaiting its fix)."""
    broken = await uow.session.scalar(
        text(f"SELECT value FROM {uow.tables.schema}.switches WHERE name = 'broken'")
    )
    if broken:
        raise PermanentError(f"cannot apply {envelope.id}: handler is broken")
    await apply_credit(envelope, uow)


async def read_topic(bootstrap: str, topic: str, count: int, within: float) -> list[ConsumerRecord]:
    """The first `count` messages of a topic (all partitions, from the beginning)."""
    deadline = time.monotonic() + within
    while True:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            try:
                await assign_all_partitions(consumer, topic)
            except LookupError:
                if time.monotonic() > deadline:
                    raise
                continue  # a new client sees a topic created meanwhile
            records: list[ConsumerRecord] = []
            while len(records) < count:
                if time.monotonic() > deadline:
                    raise AssertionError(f"read {len(records)} of {count} messages from {topic}")
                for batch in (await consumer.getmany(timeout_ms=200)).values():
                    records += batch
            return records
        finally:
            await consumer.stop()


@contextlib.asynccontextmanager
async def running(
    run: Callable[[asyncio.Event], Awaitable[None]],
) -> AsyncIterator[asyncio.Task[None]]:
    """Run a relay's or consumer's `run(stop)` for the duration of the block."""
    stop = asyncio.Event()
    task = asyncio.ensure_future(run(stop))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)


def relay_for(schema: str, dsn: str, bootstrap: str, **options: Any) -> OutboxRelay:
    return OutboxRelay(
        schema=schema,
        dsn=dsn,
        bootstrap_servers=bootstrap,
        metrics=RelayMetrics(CollectorRegistry(), schema),
        options=RelayOptions(poll_interval_seconds=0.5, backlog_interval_seconds=0.5, **options),
    )


def consumer_for(
    group: str,
    topic: str,
    uow_factory: Callable[[], UnitOfWork],
    bootstrap: str,
    handler: Callable[[Envelope, UnitOfWork], Awaitable[None]] = apply_credit,
    registry: CollectorRegistry | None = None,
    **options: Any,
) -> EventConsumer[UnitOfWork]:
    """`registry`: where its metrics go (else a registry of its own)."""
    return EventConsumer(
        group=group,
        topics=[topic],
        handlers={"account.credited": handler},
        uow_factory=uow_factory,
        bootstrap_servers=bootstrap,
        metrics=ConsumerMetrics(registry or CollectorRegistry()),
        options=ConsumerOptions(**{"backoff_initial_seconds": 0.05, **options}),
        inbox=InboxSettings.for_schema(uow_factory().tables.schema),
    )


def envelope(event_type: str, account: str, seq: int, version: int = 1) -> Envelope:
    """An event of the tests' tiny account domain."""
    return Envelope(
        id=uuid.uuid4(),
        type=event_type,
        version=version,
        source="tests",
        aggregate_type="account",
        aggregate_id=account,
        occurred_at=datetime.now(UTC),
        data={"account_id": account, "amount": 1, "seq": seq},
    )


async def send(
    bootstrap: str, topic: str, messages: Sequence[bytes | Envelope], partition: int | None = None
) -> None:
    """Envelopes as a relay publishes them (keyed, with id and type headers); bytes as they are.
    `partition`: every message to that partition (else the key's)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for message in messages:
            if isinstance(message, Envelope):
                headers = [
                    (EVENT_ID_HEADER, str(message.id).encode()),
                    (EVENT_TYPE_HEADER, message.type.encode()),
                ]
                await producer.send_and_wait(
                    topic, message.to_json(), key=message.key, partition=partition, headers=headers
                )
            else:
                await producer.send_and_wait(topic, message, key=b"raw", partition=partition)
    finally:
        await producer.stop()


async def topic_with(bootstrap: str, partitions: dict[int, list[Envelope]]) -> str:
    """A new topic of `len(partitions)` partitions, each holding its envelopes in order."""
    topic = f"t.{unique('topic')}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(topic, num_partitions=len(partitions), replication_factor=1)]
        )
    finally:
        await admin.close()
    for partition, envelopes in partitions.items():
        await send(bootstrap, topic, envelopes, partition=partition)
    return topic


class OverlapRecorder:
    """A handler applying each credit in a transaction held open `hold_seconds` longer; it
    notes the most transactions it saw in flight at once."""

    def __init__(self, hold_seconds: float = 0.02) -> None:
        self.hold_seconds = hold_seconds
        self.active = 0
        self.most_at_once = 0

    async def __call__(self, event: Envelope, uow: UnitOfWork) -> None:
        self.active += 1
        self.most_at_once = max(self.most_at_once, self.active)
        try:
            await apply_credit(event, uow)
            await asyncio.sleep(self.hold_seconds)  # inside the transaction
        finally:
            self.active -= 1


class RefuseUntilHealed:
    """A handler that fails on the event `stuck` until `healed` is set, and applies every other
    one (a message retrying while the rest of its partition goes on)."""

    def __init__(self, stuck: uuid.UUID) -> None:
        self.stuck = stuck
        self.healed = False

    async def __call__(self, event: Envelope, uow: UnitOfWork) -> None:
        if event.id == self.stuck and not self.healed:
            raise RuntimeError("fails until healed")
        await apply_credit(event, uow)


class RefuseOne:
    """A handler that always fails on the event `doomed` and applies every other one; it counts
    the attempts at `doomed`."""

    def __init__(self, doomed: uuid.UUID) -> None:
        self.doomed = doomed
        self.attempts = 0

    async def __call__(self, event: Envelope, uow: UnitOfWork) -> None:
        if event.id == self.doomed:
            self.attempts += 1
            raise RuntimeError("always fails")
        await apply_credit(event, uow)


def accounts_in_distinct_lanes(count: int, lanes: int) -> list[str]:
    """`count` account ids (keys) whose records take `count` different lanes of `lanes`."""
    chosen: dict[int, str] = {}
    n = 0
    while len(chosen) < count:
        account = f"acc-{n}"
        chosen.setdefault(lane_of(account.encode(), lanes), account)
        n += 1
    return list(chosen.values())


async def applied_in_order(schema: Schema, account: str) -> list[object]:
    """The event ids applied for `account`, in the order they were applied."""
    rows = await schema.rows(
        f"SELECT event_id FROM {{s}}.applied WHERE account_id = '{account}' ORDER BY n"
    )
    return [row[0] for row in rows]


async def committed_offset(
    bootstrap: str, group: str, topic: str, partition: int = 0
) -> int | None:
    """The offset `group` committed for a partition of `topic` (None: none)."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await reader.start()
    try:
        committed: int | None = await reader.committed(TopicPartition(topic, partition))
        return committed
    finally:
        await reader.stop()


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def paused(handlers: Mapping[str, RouteHandler[P]], seconds: float) -> dict[str, RouteHandler[P]]:
    """`handlers`, each holding its transaction open `seconds` longer once it has applied its
    message: every chunk overlaps its neighbours (concurrent chunks, ADR 0059)."""

    def pause(handler: RouteHandler[P]) -> RouteHandler[P]:
        async def handle(envelope: Envelope, uow: P) -> None:
            await handler(envelope, uow)
            await asyncio.sleep(seconds)

        return handle

    return {event_type: pause(handler) for event_type, handler in handlers.items()}


def failed_attempts(registry: CollectorRegistry) -> dict[str, float]:
    """`shop_consumer_failed_attempts` by error type."""
    found: dict[str, float] = {}
    for metric in registry.collect():
        for sample in metric.samples:
            if sample.name == "shop_consumer_failed_attempts_total":
                error = sample.labels["error"]
                found[error] = found.get(error, 0.0) + sample.value
    return found


async def deadlocks(engine: AsyncEngine) -> int:
    """PostgreSQL's count of deadlocks in the engine's database (a backend's count reaches the
    statistics when it exits or goes idle: dispose of the engine first)."""
    async with engine.connect() as connection:
        count = await connection.scalar(
            text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        )
    assert isinstance(count, int)
    return count


async def deadlocks_since(engine: AsyncEngine, before: int, *, awaited: bool) -> int:
    """The deadlocks PostgreSQL counted in the engine's database since `deadlocks` said
    `before`. The engine is disposed first (its backends exit: their counts reach the
    statistics); `awaited`: wait up to 20 s for one, else 1 s for the counts to settle."""
    await engine.dispose()
    if awaited:

        async def counted() -> bool:
            return await deadlocks(engine) > before

        await wait_until_async(counted, within=20, what="PostgreSQL to count the deadlock")
    else:
        await asyncio.sleep(1.0)
    return await deadlocks(engine) - before
