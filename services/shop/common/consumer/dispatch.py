"""Fetched records queued by partition and lane, applied while the consumer fetches on.

The poll loop (`runtime`) hands each poll's records of a partition to `Dispatcher.add` and
polls again at once. `add` appends them to the in-order queues of their lanes (`lanes`, ADR
0060; with one lane, the partition's own order), and each lane that has records queued runs as
a task: it takes up to `batch_size` of them into one chunk (`BatchProcessor`: one transaction),
holding one of `concurrency` slots while it is applied (ADR 0059), chunk after chunk until its
queue is empty. Slots are handed out first come, first served, so no lane starves. A record
waits for its own lane's earlier records and for a slot, never for other lanes (ADR 0063).

- Backpressure: a partition with `max_records` records queued and not done is paused (the
  consumer fetches nothing more of it), and resumed once half of them are done: the consumer
  holds at most about twice `max_records` per partition.
- Offsets: each record done (committed, or dead-lettered) marks its partition's `Watermark`;
  `committable[tp]` follows it, up to the first record not done, whatever later lanes did.
- Stop: a lane starts no chunk once `stop` is set; a chunk in hand ends whole (a retry's
  backoff raises `ShutdownError`, which ends that lane alone, its record left undone).
- Revocation (`revoke`): the partitions' lanes start no chunk from then on, their queued records
  are dropped, and it returns once none of their chunks is in flight. Their state goes with
  them: nothing pauses or resumes a partition no longer assigned.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Generic, Protocol

from aiokafka import ConsumerRecord, TopicPartition
from prometheus_client import Gauge

from shop.common.consumer.batch import BatchProcessor
from shop.common.consumer.lanes import Watermark, lane_of, lanes
from shop.common.consumer.metrics import ConsumerMetrics
from shop.common.consumer.options import ConsumerOptions
from shop.common.consumer.processor import Outcome, ShutdownError
from shop.common.consumer.routing import U

logger = logging.getLogger(__name__)


class Flow(Protocol):
    """What pauses and resumes fetching a partition (the Kafka consumer)."""

    def pause(self, *partitions: TopicPartition) -> None: ...

    def resume(self, *partitions: TopicPartition) -> None: ...


class _Lane:
    """One lane's queued records, in order, and the task applying them (None: idle)."""

    def __init__(self) -> None:
        self.records: deque[ConsumerRecord] = deque()
        self.task: asyncio.Task[None] | None = None


class _Partition:
    """What the dispatcher holds of one assigned partition."""

    def __init__(self, tp: TopicPartition, queued: Gauge, committable: dict[TopicPartition, int]):
        self.tp = tp
        self.watermark = Watermark()
        self.lanes: dict[int, _Lane] = {}
        self.in_flight = 0  # chunks being applied now
        self.paused = False
        self.revoked = False
        self._queued = queued  # the gauge of its records not done
        self._committable = committable

    def added(self, records: Sequence[ConsumerRecord]) -> int:
        """`records` are queued: how many records are not done now."""
        self.watermark.extend(record.offset for record in records)
        undone = self.watermark.undone
        self._queued.set(undone)
        return undone

    def done(self, record: ConsumerRecord, _: Outcome) -> None:
        """`record` is done (`BatchProcessor`'s `Done`)."""
        committable = self.watermark.mark(record.offset)
        if committable is not None:
            self._committable[self.tp] = committable
        if not self.revoked:
            self._queued.set(self.watermark.undone)

    def retire(self) -> None:
        """Revoked: its lanes start no chunk, its queued records are dropped."""
        self.revoked = True
        for lane in self.lanes.values():
            lane.records.clear()
        self._queued.set(0)

    def lane(self, index: int) -> _Lane:
        lane = self.lanes.get(index)
        if lane is None:
            lane = self.lanes[index] = _Lane()
        return lane


class Dispatcher(Generic[U]):
    """Queues a consumer's fetched records by partition and lane and applies them (see above)."""

    def __init__(
        self,
        processor: BatchProcessor[U],
        options: ConsumerOptions,
        *,
        group: str,
        flow: Flow,
        stop: asyncio.Event,
        committable: dict[TopicPartition, int],
        metrics: ConsumerMetrics,
    ) -> None:
        """`committable`: where each partition's offset to commit is kept (the runtime's)."""
        self._processor = processor
        self._options = options
        self._group = group
        self._flow = flow
        self._stop = stop
        self._committable = committable
        self._metrics = metrics
        self._slots = asyncio.Semaphore(options.concurrency)
        self._settled = asyncio.Condition()  # notified whenever a chunk ends
        self._partitions: dict[TopicPartition, _Partition] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.failure: Exception | None = None
        """What a lane raised that was no message's outcome (the runtime raises it)."""

    def add(self, tp: TopicPartition, records: Sequence[ConsumerRecord]) -> None:
        """Queue a poll's `records` of `tp` (in order) on their lanes; pause `tp` if they
        reach the bound."""
        partition = self._partitions.get(tp)
        if partition is None:
            queued = self._metrics.queued.labels(self._group, tp.topic, str(tp.partition))
            partition = self._partitions[tp] = _Partition(tp, queued, self._committable)
        undone = partition.added(records)
        count = self._options.lanes_per_partition
        for split in lanes(records, count):
            lane = partition.lane(lane_of(split[0].key, count))
            lane.records.extend(split)
            if lane.task is None:
                lane.task = asyncio.create_task(self._apply(partition, lane))
                self._tasks.add(lane.task)
                lane.task.add_done_callback(self._tasks.discard)
        if not partition.paused and undone >= self._options.max_records:
            self._flow.pause(tp)
            partition.paused = True
            self._metrics.pauses.labels(self._group, tp.topic).inc()

    def undone(self, tp: TopicPartition) -> int:
        """How many of `tp`'s records are queued or in flight, not done yet."""
        partition = self._partitions.get(tp)
        return 0 if partition is None else partition.watermark.undone

    async def revoke(self, revoked: Iterable[TopicPartition]) -> None:
        """`revoked`'s lanes start no chunk from now on and their queued records are dropped;
        returns once none of their chunks is in flight (their offsets are then final)."""
        retired = [self._partitions.pop(tp) for tp in revoked if tp in self._partitions]
        for partition in retired:  # no await before this loop ends: no chunk starts meanwhile
            partition.retire()
        async with self._settled:
            await self._settled.wait_for(lambda: all(p.in_flight == 0 for p in retired))

    async def close(self, *, graceful: bool) -> None:
        """Returns once no lane runs: `graceful` (stop is set), each ends its chunk in hand;
        else (the consumer failed) they are cancelled, their transactions rolled back."""
        if not graceful:
            for task in self._tasks:
                task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _apply(self, partition: _Partition, lane: _Lane) -> None:
        """A lane's queued records, chunk after chunk, each while holding a slot."""
        size = self._options.batch_size
        try:
            while lane.records:
                async with self._slots:
                    if self._stop.is_set() or partition.revoked or self.failure is not None:
                        return
                    take = min(size, len(lane.records))
                    chunk = [lane.records.popleft() for _ in range(take)]
                    partition.in_flight += 1  # no await since the check: a revocation waits
                    try:
                        await self._processor.process(chunk, partition.done)
                    finally:
                        partition.in_flight -= 1
                        async with self._settled:
                            self._settled.notify_all()
                self._resume_if_drained(partition)
        except ShutdownError:
            logger.info(
                "consumer %s stopping during a retry; message left uncommitted", self._group
            )
        except Exception as err:  # no message's outcome (say, the dead-letter topic unreachable)
            logger.exception("consumer %s: a lane of %s failed", self._group, partition.tp)
            if self.failure is None:
                self.failure = err
        finally:
            lane.task = None

    def _resume_if_drained(self, partition: _Partition) -> None:
        if (
            partition.paused
            and not partition.revoked
            and partition.watermark.undone <= self._options.max_records // 2
        ):
            self._flow.resume(partition.tp)
            partition.paused = False
