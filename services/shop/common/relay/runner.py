"""The built-in outbox relay: leader-elected, woken by LISTEN/NOTIFY, batched and ordered.

Loop of the active instance: fetch the oldest rows in `(created_at, id)` order, publish them
(idempotent producer, acks=all) while the next batches are read and sent (up to
`pipeline_depth` in flight), delete exactly the acknowledged rows of each batch, repeat at once
while batches are full, else sleep until a NOTIFY or the poll interval. The rows of a round's
last batch are deleted by the next round's read, in the same statement, if a NOTIFY comes
within `delete_with_next_read_seconds` (under load it does: one statement per round instead
of two), else on their own.
A crash between publish and delete republishes the batch: at-least-once, deduplicated by the
consumers' inbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import deque

import asyncpg  # type: ignore[import-untyped]
from aiokafka.errors import KafkaError

from shop.common.outbox import notify_channel
from shop.common.relay.leadership import CONNECTION_ERRORS, Leadership, LostLeadershipError
from shop.common.relay.metrics import RelayMetrics
from shop.common.relay.options import RelayOptions
from shop.common.relay.publisher import (
    InFlight,
    OutboxPublisher,
    PublishError,
    idempotent_producer,
)
from shop.common.relay.store import OutboxRow, OutboxStore

logger = logging.getLogger(__name__)
_RECOVERABLE = (LostLeadershipError, PublishError, KafkaError, *CONNECTION_ERRORS)


class OutboxRelay:
    """Relays `<schema>.outbox` to Kafka until `stop` is set; one instance per schema works."""

    def __init__(
        self,
        *,
        schema: str,
        dsn: str,
        bootstrap_servers: str,
        metrics: RelayMetrics,
        options: RelayOptions | None = None,
        client_id: str | None = None,
    ) -> None:
        self.schema = schema
        self._dsn = dsn
        self._bootstrap_servers = bootstrap_servers
        self._metrics = metrics
        self._options = options or RelayOptions()
        self._client_id = client_id or f"shop-{schema}-relay"
        self._leadership = Leadership(
            dsn,
            schema,
            retry_seconds=self._options.standby_retry_seconds,
            check_seconds=self._options.leader_check_seconds,
        )
        self.active = False

    async def run(self, stop: asyncio.Event) -> None:
        pool = await asyncpg.create_pool(self._dsn, min_size=1, max_size=2)
        if await pool.fetchval("SELECT to_regclass($1)", f"{self.schema}.outbox") is None:
            await pool.close()
            raise RuntimeError(
                f"{self.schema}.outbox does not exist: run `shop migrate {self.schema}` first"
            )
        store = OutboxStore(pool, self.schema)
        watcher = asyncio.create_task(self._watch_backlog(store, stop))
        try:
            while not stop.is_set():
                if not await self._leadership.acquire(stop):
                    break
                self.active = True
                self._metrics.leader.set(1)
                try:
                    async with pool.acquire() as connection:  # held: no reset per query
                        await self._lead(OutboxStore(connection, self.schema), stop)
                except _RECOVERABLE as err:
                    logger.warning("relay of schema %s interrupted: %s", self.schema, err)
                    await _wait_for(stop, self._options.standby_retry_seconds)
                finally:
                    self.active = False
                    self._metrics.leader.set(0)
                    await self._leadership.release()
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            await pool.close()

    async def _lead(self, store: OutboxStore, stop: asyncio.Event) -> None:
        producer = idempotent_producer(
            self._bootstrap_servers, self._client_id, self._options.linger_ms
        )
        await producer.start()
        publisher = OutboxPublisher(producer, self._metrics)
        wake = asyncio.Event()
        connection = self._leadership.connection
        channel = notify_channel(self.schema)

        def on_notify(*_: object) -> None:
            wake.set()

        await connection.add_listener(channel, on_notify)
        relayed: list[uuid.UUID] = []  # acknowledged, deleted by the next read
        try:
            while not stop.is_set():
                await self._leadership.ensure_held()
                wake.clear()  # before the read: a NOTIFY during this round triggers the next
                relayed = await self._drain(store, publisher, relayed)
                fold = self._options.delete_with_next_read_seconds
                if relayed and not await _wait_any(wake, stop, fold):
                    await store.delete(relayed)  # no new rows came: deleted on their own
                    relayed = []
                if not relayed:
                    await _wait_any(wake, stop, self._options.poll_interval_seconds)
            await store.delete(relayed)  # stopping: leave nothing acknowledged behind
        finally:
            if not connection.is_closed():
                with contextlib.suppress(*_RECOVERABLE):
                    await connection.remove_listener(channel, on_notify)
            await producer.stop()

    async def _drain(
        self, store: OutboxStore, publisher: OutboxPublisher, relayed: list[uuid.UUID]
    ) -> list[uuid.UUID]:
        """Publish the outbox until a batch comes back short, with up to `pipeline_depth`
        batches in flight; each batch is deleted once the broker acknowledged it, except the
        last ones, whose acknowledged ids are returned (for the next round's read to delete).
        The first read deletes `relayed`, the previous round's.

        Rows in flight are skipped by reading after the last one sent; once caught up, the
        next round reads from the oldest row again, so a row committed late is not missed.
        """
        size, depth = self._options.batch_size, self._options.pipeline_depth
        in_flight: deque[InFlight] = deque()
        after: OutboxRow | None = None
        while True:
            rows = await store.next_batch(size, after, relayed)
            relayed = []
            more = len(rows) == size
            if rows:
                batch = await publisher.send(rows)
                in_flight.append(batch)
                after = batch.last
                more = more and batch.complete
            while in_flight and (len(in_flight) >= depth or not more):
                acked = await self._acknowledged(store, in_flight.popleft(), relayed)
                if more:
                    await store.delete(acked)
                else:
                    relayed += acked
            if not more:
                return relayed

    async def _acknowledged(
        self, store: OutboxStore, batch: InFlight, relayed: list[uuid.UUID]
    ) -> list[uuid.UUID]:
        """The batch's ids once the broker acknowledged them all; if it did not, the rows it
        did acknowledge (and `relayed`) are deleted and `PublishError` raised."""
        try:
            acked = await batch.acked()
        except PublishError as err:
            await store.delete([*relayed, *err.acked])
            raise
        await self._fault_pause()
        return acked

    async def _fault_pause(self) -> None:
        pause = self._options.pause_after_publish_seconds
        if pause > 0:
            logger.warning("fault injection: published, pausing %.1fs before deleting", pause)
            await asyncio.sleep(pause)

    async def _watch_backlog(self, store: OutboxStore, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                backlog = await store.backlog()
                self._metrics.observe_backlog(backlog.rows, backlog.oldest)
            except _RECOVERABLE as err:
                logger.warning("outbox backlog of %s not measured: %s", self.schema, err)
            await _wait_for(stop, self._options.backlog_interval_seconds)


async def _wait_for(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout=seconds)


async def _wait_any(first: asyncio.Event, second: asyncio.Event, seconds: float) -> bool:
    """Wait until either event is set or `seconds` passed; whether `first` is set."""
    if first.is_set() or second.is_set() or seconds <= 0:
        return first.is_set()
    waiters = [asyncio.create_task(first.wait()), asyncio.create_task(second.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
    return first.is_set()
