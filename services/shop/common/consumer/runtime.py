"""The consumer loop: subscribe, fetch on while the fetched records are applied, commit offsets.

The loop polls, hands each partition's records to the `Dispatcher` (`dispatch`) and polls
again at once: it never waits for records to be applied. The dispatcher queues them per
partition and, within a partition, per lane (its records split by key into
`ConsumerOptions.lanes_per_partition` lanes, ADR 0060), and applies each lane in order, chunk
after chunk (`BatchProcessor`), up to `ConsumerOptions.concurrency` chunks at once, each in a
unit of work (and so a connection) of its own (ADR 0059). A record that arrives while others
are applied waits for its own lane's earlier records and a free slot only, never for a poll's
slowest lane (ADR 0063). Order is Kafka's per partition with one lane, per key with more; a
message retrying or being dead-lettered holds up its own lane only. A partition with
`max_records` records queued is paused until half of them are done, which bounds memory.

Offsets are committed manually, only up to the first message of a partition whose transaction
has not committed (nor was it dead-lettered), whatever later lanes have done (`Watermark`): at
most every `commit_interval_seconds` (a broker round trip saved per message; a crash
redelivers at most that much, which the inbox absorbs), before partitions are revoked (their
chunks in flight ended, their queued records dropped), and at shutdown (every lane's chunk in
hand ended).
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

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError

from shop.common.consumer.batch import BatchProcessor
from shop.common.consumer.chunk_locks import ChunkPreparer
from shop.common.consumer.dispatch import Dispatcher
from shop.common.consumer.inbox_purge import purge_inbox_periodically
from shop.common.consumer.metrics import ConsumerMetrics
from shop.common.consumer.options import ConsumerOptions
from shop.common.consumer.processor import MessageProcessor
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
        self._done: dict[TopicPartition, int] = {}  # next offset to commit, per partition
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
        dispatcher = Dispatcher(
            BatchProcessor(single, self._uow_factory, self._options.batch_size, self._prepare),
            self._options,
            group=self.group,
            flow=consumer,
            stop=stop,
            committable=self._done,
            metrics=self._metrics,
        )
        consumer.subscribe(self.topics, listener=_CommitOnRevoke(self, consumer, dispatcher))
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
                if dispatcher.failure is not None:
                    raise dispatcher.failure
                for tp, records in batches.items():
                    if records:
                        dispatcher.add(tp, records)
                now = time.monotonic()
                if now - committed >= self._options.commit_interval_seconds:
                    await self._commit_unless_rebalanced(consumer)
                    committed = now
                if now - observed >= self._options.lag_interval_seconds:
                    await self._observe_lag(consumer, dispatcher)
                    observed = now
        finally:
            self.running = False
            if purger is not None:
                purger.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await purger
            await dispatcher.close(graceful=stop.is_set())
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

    async def _commit(
        self, consumer: AIOKafkaConsumer, only: set[TopicPartition] | None = None
    ) -> None:
        offsets = {tp: offset for tp, offset in self._done.items() if only is None or tp in only}
        if offsets:
            await consumer.commit(offsets)
            for tp, offset in offsets.items():
                if self._done.get(tp) == offset:  # lanes may have gone on meanwhile
                    del self._done[tp]

    async def _commit_unless_rebalanced(self, consumer: AIOKafkaConsumer) -> None:
        """Commit; if the group rebalanced meanwhile (a broker paused beyond the session
        timeout), the offsets are dropped instead of crashing: whoever owns the partitions now
        redelivers those messages and the inbox absorbs the duplicates. The next poll rejoins."""
        try:
            await self._commit(consumer)
        except CommitFailedError as err:
            logger.warning("consumer %s lost its partitions before committing: %s", self.group, err)
            self._done.clear()

    async def on_revoked(
        self, consumer: AIOKafkaConsumer, dispatcher: Dispatcher[U], revoked: set[TopicPartition]
    ) -> None:
        await dispatcher.revoke(revoked)  # none of theirs starts a chunk; those in hand ended
        try:
            await self._commit(consumer, revoked)
        except KafkaError as err:
            # Not fatal: the new owner redelivers and the inbox absorbs the duplicates.
            logger.warning("commit before revocation failed: %s", err)
        for tp in revoked:
            self._done.pop(tp, None)

    async def _observe_lag(self, consumer: AIOKafkaConsumer, dispatcher: Dispatcher[U]) -> None:
        """Per partition: the records not applied yet, queued here or not fetched."""
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            if highwater is None:
                continue
            position = await consumer.position(tp)
            self._metrics.lag.labels(self.group, tp.topic, str(tp.partition)).set(
                max(0, highwater - position) + dispatcher.undone(tp)
            )


class _CommitOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(
        self, owner: EventConsumer[U], consumer: AIOKafkaConsumer, dispatcher: Dispatcher[U]
    ) -> None:
        self._owner = owner
        self._consumer = consumer
        self._dispatcher = dispatcher

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self._owner.on_revoked(self._consumer, self._dispatcher, revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        logger.info("consumer %s assigned %s", self._owner.group, sorted(map(str, assigned)))
