"""Several messages in one transaction: their inbox rows, handlers and outbox rows commit together.

A chunk of one lane's queued messages is applied in order in one unit of work, each under
its own span, and committed once (the dispatcher applies lanes concurrently): one statement
records the inbox rows of them all (telling which were handled before), each handler runs, one
statement writes every outbox row at the commit. A message that fails stops the batch: the
transaction rolls back whole, the messages before it are applied again in a new one, and the
failing message alone takes the single-message path (bounded retries, then the dead-letter
topic). A poison message stops the batch the same way (the messages before it commit). A
conflict with a concurrent chunk (a deadlock, a serialization failure: `processor.CONFLICTS`)
is no message's failure: the chunk is applied again whole, at once, up to `CONFLICT_RETRIES`
times, before it is split as above. Nothing of a rolled-back transaction is kept, so every
message's effect still lands exactly once, and a crash mid-batch loses the batch whole. A
context whose chunks share rows gives a `ChunkPreparer` (`chunk_locks`): it locks what the
chunk's fresh messages will lock, in one order every chunk shares, after the inbox rows and
before the first handler, so concurrent chunks queue instead of deadlocking.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Generic

from aiokafka import ConsumerRecord

from shop.common.consumer.chunk_locks import ChunkPreparer
from shop.common.consumer.processor import (
    MessageProcessor,
    Outcome,
    Read,
    conflicted,
    pause_after_conflict,
)
from shop.common.consumer.routing import PoisonMessageError, U
from shop.common.events import Envelope
from shop.common.uow import InboxEntry

logger = logging.getLogger(__name__)
Done = Callable[[ConsumerRecord, Outcome], None]
CONFLICT_RETRIES = 3
"""Times a chunk that conflicted with a concurrent one is applied again whole, at once."""


class BatchProcessor(Generic[U]):
    """Applies up to `size` messages per transaction, isolating the one that fails; `prepare`
    locks a chunk's rows before its first message (none: each handler locks as it goes)."""

    def __init__(
        self,
        single: MessageProcessor[U],
        uow_factory: Callable[[], U],
        size: int,
        prepare: ChunkPreparer[U] | None = None,
    ):
        self._single = single
        self._uow_factory = uow_factory
        self._size = size
        self._prepare = prepare

    async def process(self, records: Sequence[ConsumerRecord], done: Done) -> None:
        """Handle every record to the end, in order; `done(record, outcome)` once it is."""
        start = 0
        while start < len(records):
            chunk = records[start : start + self._size]
            applied = await self._apply(chunk) if len(chunk) > 1 else []
            for record, outcome in zip(chunk, applied, strict=False):
                done(record, outcome)
            start += len(applied)
            if start < len(records) and len(applied) < len(chunk):
                record = records[start]  # it stopped the batch: alone, with retries, or the DLQ
                done(record, await self._single.process(record))
                start += 1

    async def _apply(self, chunk: Sequence[ConsumerRecord], conflicts: int = 0) -> list[Outcome]:
        """Commit the longest leading run of `chunk` that applies; the outcomes of that run
        (`conflicts`: how many times this chunk conflicted with a concurrent one so far)."""
        reads = self._readable_run(chunk)
        if not reads:
            return []
        if all(read is None or read[1] is None for read in reads):  # nothing routed: no transaction
            for record in chunk[: len(reads)]:
                self._single.observe(record, Outcome.IGNORED, 0.0)
            return [Outcome.IGNORED] * len(reads)
        outcomes: list[Outcome] = []
        timings: list[float] = []
        try:
            async with self._uow_factory() as uow:
                fresh = await uow.record_inbox_many(
                    self._single.group, _inbox_entries(chunk, reads)
                )
                if self._prepare is not None and fresh:
                    await self._prepare(_fresh_envelopes(reads, fresh), uow)
                for record, read in zip(chunk, reads, strict=False):
                    started = time.perf_counter()
                    with self._single.span(record) as span:
                        is_fresh = read is not None and read[1] is not None and read[0].id in fresh
                        if read is not None and is_fresh:  # a second copy of it is a duplicate
                            fresh.discard(read[0].id)
                        outcome = await self._single.apply_in(read, uow, span, fresh=is_fresh)
                        span.set_attribute("shop.consumer.outcome", outcome.value)
                    outcomes.append(outcome)
                    timings.append(time.perf_counter() - started)
                await uow.commit()
        except Exception as err:  # the message, or the database: the single path tells which
            # The message in hand failed (or the commit did: then the last one goes alone).
            failed_at = min(len(outcomes), len(reads) - 1)
            if conflicted(err):  # a concurrent chunk's doing, not the message's
                record = chunk[failed_at]
                self._single.count_failure(record, err)
                if conflicts < CONFLICT_RETRIES:
                    logger.info("batch of %d conflicted (%r); applying it again", len(chunk), err)
                    await pause_after_conflict()
                    return await self._apply(chunk, conflicts + 1)
            logger.info(
                "batch of %d stopped at %s/%d@%d (%r); applying the %d before it again",
                len(chunk),
                chunk[failed_at].topic,
                chunk[failed_at].partition,
                chunk[failed_at].offset,
                err,
                failed_at,
            )
            return await self._apply(chunk[:failed_at]) if failed_at else []
        for record, outcome, seconds in zip(chunk, outcomes, timings, strict=False):
            self._single.observe(record, outcome, seconds)
        return outcomes

    def _readable_run(self, chunk: Sequence[ConsumerRecord]) -> list[Read[U]]:
        """The messages of `chunk` read, up to the first poison one (it takes the single path)."""
        reads: list[Read[U]] = []
        for record in chunk:
            try:
                reads.append(self._single.read(record))
            except PoisonMessageError:
                break
        return reads


def _fresh_envelopes(reads: Sequence[Read[U]], fresh: set[uuid.UUID]) -> list[Envelope]:
    """The envelopes the chunk will apply, in order: routed, and new to the inbox (once)."""
    envelopes: dict[uuid.UUID, Envelope] = {}
    for read in reads:
        if read is not None and read[1] is not None and read[0].id in fresh:
            envelopes.setdefault(read[0].id, read[0])
    return list(envelopes.values())


def _inbox_entries(chunk: Sequence[ConsumerRecord], reads: Sequence[Read[U]]) -> list[InboxEntry]:
    """The inbox rows of the routed messages, each event id once."""
    entries: dict[uuid.UUID, InboxEntry] = {}
    for record, read in zip(chunk, reads, strict=False):
        if read is None:
            continue
        envelope, route = read
        if route is not None and envelope.id not in entries:
            entries[envelope.id] = InboxEntry(
                envelope, record.topic, record.partition, record.offset
            )
    return list(entries.values())
