"""The consumer loop: subscribe, apply each poll in batched transactions, commit offsets after.

A poll's records are applied per partition, and within a partition per lane: its records
split by key into `ConsumerOptions.lanes_per_partition` lanes (`shop.common.consumer.lanes`,
ADR 0060), each lane in order, chunk after chunk (`BatchProcessor`), and up to
`ConsumerOptions.concurrency` chunks at once, each in a unit of work (and so a connection) of
its own (ADR 0059). Order is Kafka's per partition with one lane, per key with more; a message
retrying or being dead-lettered holds up its own lane only, until the next poll.

Offsets are committed manually, only up to the first message of a partition whose transaction
has not committed (nor was it dead-lettered), whatever later lanes have done (`Watermark`): at
most every `commit_interval_seconds` after a poll (a broker round trip saved per message; a
crash redelivers at most that much, which the inbox absorbs), before partitions are revoked,
and at shutdown.
A crash anywhere therefore redelivers, and the inbox turns redelivery into a no-op.
While it runs, the consumer also purges its group's expired inbox rows (`inbox_purge`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from typing import Generic

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError

from shop.common.consumer.batch import BatchProcessor, Done
from shop.common.consumer.chunk_locks import ChunkPreparer
from shop.common.consumer.inbox_purge import purge_inbox_periodically
from shop.common.consumer.lanes import Watermark, lanes
from shop.common.consumer.metrics import ConsumerMetrics
from shop.common.consumer.options import ConsumerOptions
from shop.common.consumer.processor import MessageProcessor, Outcome, ShutdownError
from shop.common.consumer.routing import EventHandlers, U
from shop.common.messaging_settings import InboxSettings
from shop.common.relay.publisher import idempotent_producer

logger = logging.getLogger(__name__)


class EventConsumer(Generic[U]):
    """One consumer group reading `topics` and applying `handlers`, until `stop` is set."""

    def __init__(
        self,
        *,
        group: str,
        topics: Sequence[str],
        handlers: EventHandlers[U],
        uow_factory: Callable[[], U],
        bootstrap_servers: str,
        metrics: ConsumerMetrics,
        options: ConsumerOptions | None = None,
        client_id: str | None = None,
        inbox: InboxSettings,
        prepare: ChunkPreparer[U] | None = None,
    ) -> None:
        """`inbox`: how long the group's handled event ids are kept (the process's settings);
        `prepare`: what locks a chunk's rows before its first message (`chunk_locks`)."""
        if not topics:
            raise ValueError("a consumer needs at least one topic")
        self.inbox = inbox
        self.group = group
        self.topics = list(topics)
        self._handlers = handlers
        self._prepare = prepare
        self._uow_factory = uow_factory
        self._bootstrap = bootstrap_servers
        self._metrics = metrics
        self._options = options or ConsumerOptions()
        self._client_id = client_id or group
        self._in_flight = 0  # chunks being applied now; a rebalance waits for none to be
        self._settled = asyncio.Condition()
        self._done: dict[TopicPartition, int] = {}  # next offset to commit, per partition
        self._generation = 0  # bumped on every revocation: stale polled records are dropped
        self.running = False

    async def run(self, stop: asyncio.Event) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            group_id=self.group,
            client_id=self._client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            fetch_max_wait_ms=self._options.fetch_max_wait_ms,
            fetch_min_bytes=self._options.fetch_min_bytes,
        )
        dlq = idempotent_producer(self._bootstrap, f"{self._client_id}-dlq", linger_ms=0)
        await dlq.start()
        single = MessageProcessor(
            group=self.group,
            handlers=self._handlers,
            uow_factory=self._uow_factory,
            dlq_producer=dlq,
            metrics=self._metrics,
            options=self._options,
            stop=stop,
        )
        processor = BatchProcessor(
            single, self._uow_factory, self._options.batch_size, self._prepare
        )
        consumer.subscribe(self.topics, listener=_CommitOnRevoke(self, consumer))
        purger: asyncio.Task[None] | None = None
        try:
            await consumer.start()
            self.running = True
            purger = self._start_inbox_purge(stop)
            committed = observed = time.monotonic()
            while not stop.is_set():
                batches = await consumer.getmany(
                    timeout_ms=self._options.poll_timeout_ms, max_records=self._options.max_records
                )
                await self._handle(consumer, processor, batches, stop)
                now = time.monotonic()
                if now - committed >= self._options.commit_interval_seconds:
                    await self._commit_unless_rebalanced(consumer)
                    committed = now
                if now - observed >= self._options.lag_interval_seconds:
                    await self._observe_lag(consumer)
                    observed = now
        except ShutdownError:
            logger.info("consumer %s stopping during a retry; message left uncommitted", self.group)
        finally:
            self.running = False
            if purger is not None:
                purger.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await purger
            with contextlib.suppress(KafkaError):
                await self._commit(consumer)
            await consumer.stop()  # leaves the group: partitions move on at once
            await dlq.stop()

    def _start_inbox_purge(self, stop: asyncio.Event) -> asyncio.Task[None] | None:
        if not self.inbox.purges_periodically:
            return None
        return asyncio.create_task(
            purge_inbox_periodically(
                self._uow_factory,
                consumer_group=self.group,
                settings=self.inbox,
                metrics=self._metrics,
                stop=stop,
            ),
            name=f"{self.group}-inbox-purge",
        )

    async def _handle(
        self,
        consumer: AIOKafkaConsumer,
        processor: BatchProcessor[U],
        batches: dict[TopicPartition, list[ConsumerRecord]],
        stop: asyncio.Event,
    ) -> None:
        """Apply a poll: each partition's records split into lanes by key, each lane in order,
        up to `concurrency` chunks at once. Every lane runs to its end (or to a stop or a
        rebalance) before this returns, so a `ShutdownError` in one leaves the others'
        transactions whole, never cancelled. A partition's offset advances only over records
        done from its first on (`Watermark`), whichever lane finishes first."""
        generation = self._generation
        slots = asyncio.Semaphore(self._options.concurrency)
        per_partition = [
            (self._done_in(tp, records), lanes(records, self._options.lanes_per_partition))
            for tp, records in batches.items()
            if records
        ]
        work: list[tuple[Done, list[ConsumerRecord]]] = []
        for depth in range(max((len(split) for _, split in per_partition), default=0)):
            # Lane 0 of every partition first, then lane 1...: each partition gets a slot early.
            work += [(done, split[depth]) for done, split in per_partition if depth < len(split)]
        if len(work) == 1:
            done, lane = work[0]
            await self._apply_lane(processor, lane, done, generation, stop, slots)
            return
        results = await asyncio.gather(
            *(
                self._apply_lane(processor, lane, done, generation, stop, slots)
                for done, lane in work
            ),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result

    def _done_in(self, tp: TopicPartition, records: list[ConsumerRecord]) -> Done:
        """What marks one of `records` done: `_done[tp]` follows the partition's watermark."""
        watermark = Watermark([record.offset for record in records])

        def done(record: ConsumerRecord, _: Outcome) -> None:
            committable = watermark.mark(record.offset)
            if committable is not None:
                self._done[tp] = committable

        return done

    async def _apply_lane(
        self,
        processor: BatchProcessor[U],
        records: list[ConsumerRecord],
        done: Done,
        generation: int,
        stop: asyncio.Event,
        slots: asyncio.Semaphore,
    ) -> None:
        """One lane's records of a poll, chunk after chunk, each while holding a slot."""
        size = self._options.batch_size
        for start in range(0, len(records), size):
            async with slots:
                if stop.is_set() or generation != self._generation:
                    return  # stopping, or the partitions were revoked: these records are stale
                self._in_flight += 1  # no await since the check: a rebalance waits for this
                try:
                    await processor.process(records[start : start + size], done)
                finally:
                    self._in_flight -= 1
                    async with self._settled:
                        self._settled.notify_all()

    async def _commit(
        self, consumer: AIOKafkaConsumer, only: set[TopicPartition] | None = None
    ) -> None:
        offsets = {tp: offset for tp, offset in self._done.items() if only is None or tp in only}
        if offsets:
            await consumer.commit(offsets)
            for tp in offsets:
                self._done.pop(tp, None)

    async def _commit_unless_rebalanced(self, consumer: AIOKafkaConsumer) -> None:
        """Commit; if the group rebalanced meanwhile (a broker paused beyond the session
        timeout), the offsets are dropped instead of crashing: whoever owns the partitions now
        redelivers those messages and the inbox absorbs the duplicates. The next poll rejoins."""
        try:
            await self._commit(consumer)
        except CommitFailedError as err:
            logger.warning("consumer %s lost its partitions before committing: %s", self.group, err)
            self._done.clear()

    async def on_revoked(self, consumer: AIOKafkaConsumer, revoked: set[TopicPartition]) -> None:
        self._generation += 1  # no chunk starts from now on
        async with self._settled:  # the chunks in hand finish first
            await self._settled.wait_for(lambda: self._in_flight == 0)
            try:
                await self._commit(consumer, revoked)
            except KafkaError as err:
                # Not fatal: the new owner redelivers and the inbox absorbs the duplicates.
                logger.warning("commit before revocation failed: %s", err)
            for tp in revoked:
                self._done.pop(tp, None)

    async def _observe_lag(self, consumer: AIOKafkaConsumer) -> None:
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            if highwater is None:
                continue
            position = await consumer.position(tp)
            self._metrics.lag.labels(self.group, tp.topic, str(tp.partition)).set(
                max(0, highwater - position)
            )


class _CommitOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, owner: EventConsumer[U], consumer: AIOKafkaConsumer) -> None:
        self._owner = owner
        self._consumer = consumer

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self._owner.on_revoked(self._consumer, revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        logger.info("consumer %s assigned %s", self._owner.group, sorted(map(str, assigned)))
