"""Load for the outbox benchmark: writers that commit events, a reader that times their arrival."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import asyncpg  # type: ignore[import-untyped]
from aiokafka import AIOKafkaConsumer, TopicPartition

from shop.common.debezium import replication_names
from shop.common.events import Envelope
from shop.common.headers import EVENT_ID_HEADER
from shop.common.uuid7 import uuid7_sequence

INSERT = (
    "INSERT INTO {s}.outbox (id, aggregatetype, aggregateid, type, topic, payload)"
    " VALUES ($1, 'account', $2, 'account.credited', $3, $4::jsonb)"
)
# What the unit of work does in outbox mode `debezium` (shop.common.outbox_write).
DELETE = (
    "DELETE FROM {s}.outbox WHERE id = ANY($1::uuid[]) AND EXISTS (SELECT 1 FROM"
    " pg_replication_slots WHERE slot_name = $2 AND confirmed_flush_lsn IS NOT NULL)"
)


@dataclass
class Timings:
    """Commit and arrival times (perf_counter seconds) of every event of one relay."""

    committed: dict[str, float] = field(default_factory=dict)
    arrived: dict[str, float] = field(default_factory=dict)

    def latencies_ms(self, ids: set[str] | None = None) -> list[float]:
        keys = ids if ids is not None else set(self.committed)
        return sorted(
            (self.arrived[k] - self.committed[k]) * 1000 for k in keys if k in self.arrived
        )

    def summary(self, burst: set[str], paced: set[str], backlog_rate: float) -> dict[str, float]:
        first = min(self.committed[k] for k in burst)
        last = max(self.arrived[k] for k in burst)
        latencies = self.latencies_ms(paced)
        return {
            "events_per_s": round(len(burst) / (last - first), 1),
            "backlog_events_per_s": round(backlog_rate, 1),
            "p50_ms": round(statistics.median(latencies), 1),
            "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
        }


def _rows(schema: str, topic: str, count: int, aggregates: int) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for index, event_id in enumerate(uuid7_sequence(count)):
        account = f"acc-{index % aggregates}"
        envelope = Envelope(
            id=event_id,
            type="account.credited",
            version=1,
            source="bench",
            aggregate_type="account",
            aggregate_id=account,
            occurred_at=datetime.now(UTC),
            data={"account_id": account, "amount": 1, "seq": index},
        )
        rows.append((event_id, account, topic, envelope.to_json().decode()))
    return rows


async def write(
    pool: asyncpg.Pool,
    schema: str,
    topic: str,
    timings: Timings,
    *,
    events: int,
    per_transaction: int,
    rate: float | None = None,
    delete_after_insert: bool = False,
) -> set[str]:
    """Commit `events` events, `per_transaction` per transaction, at most `rate` events/s.

    With `delete_after_insert` each transaction deletes its rows again, as in outbox mode
    `debezium`.
    """
    written: set[str] = set()
    sql = INSERT.format(s=schema)
    started = time.perf_counter()
    for offset in range(0, events, per_transaction):
        rows = _rows(schema, topic, min(per_transaction, events - offset), aggregates=50)
        async with pool.acquire() as connection, connection.transaction():
            await connection.executemany(sql, rows)
            if delete_after_insert:
                await connection.execute(
                    DELETE.format(s=schema), [row[0] for row in rows], replication_names(schema)
                )
        now = time.perf_counter()
        for row in rows:
            timings.committed[str(row[0])] = now
            written.add(str(row[0]))
        if rate:
            await asyncio.sleep(max(0.0, started + (offset + per_transaction) / rate - now))
    return written


async def read(bootstrap: str, topics: dict[str, Timings], expected: int, deadline: float) -> None:
    """Record when each event arrives, until `expected` arrived in total or the deadline."""
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=5,
    )
    await consumer.start()
    try:
        while sum(len(t.arrived) for t in topics.values()) < expected:
            if time.perf_counter() > deadline:
                return
            batches = await consumer.getmany(timeout_ms=100)
            now = time.perf_counter()
            for tp, records in batches.items():
                for record in records:
                    event_id = dict(record.headers)[EVENT_ID_HEADER].decode()
                    topics[tp.topic].arrived.setdefault(event_id, now)
    finally:
        await consumer.stop()


async def delivery_rates(
    bootstrap: str, backlog: dict[str, int], partitions: int, deadline: float
) -> dict[str, float]:
    """Events/s at which each topic's end offsets grow by its `backlog`, from the first new
    event to the last: the publishers' own rate (no consumer in the way). Call it before the
    publishers start."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        by_topic = {
            topic: [TopicPartition(topic, p) for p in range(partitions)] for topic in backlog
        }
        every = [tp for tps in by_topic.values() for tp in tps]
        consumer.assign(every)  # their metadata is kept up to date; paused: nothing is fetched
        consumer.pause(*every)

        async def totals() -> dict[str, int]:
            ends = await consumer.end_offsets(every)
            return {topic: sum(ends[tp] for tp in tps) for topic, tps in by_topic.items()}

        start = await totals()
        first: dict[str, float] = {}
        done: dict[str, float] = {}
        while len(done) < len(backlog):
            if time.perf_counter() > deadline:
                raise TimeoutError("the backlog was not delivered within the time limit")
            now, ends = time.perf_counter(), await totals()
            for topic, events in backlog.items():
                grown = ends[topic] - start[topic]
                if grown > 0:
                    first.setdefault(topic, now)
                if grown >= events:
                    done.setdefault(topic, now)
            await asyncio.sleep(0.005)
        return {topic: events / (done[topic] - first[topic]) for topic, events in backlog.items()}
    finally:
        await consumer.stop()
