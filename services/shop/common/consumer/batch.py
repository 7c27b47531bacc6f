"""Several messages in one transaction: their inbox rows, handlers and outbox rows commit together.

A poll's messages are applied in order in one unit of work, each under its own span, and
committed once. A message that fails stops the batch: the transaction rolls back whole, the
messages before it are applied again in a new one, and the failing message alone takes the
single-message path (bounded retries, then the dead-letter topic). A poison message stops the
batch the same way, without a rollback. Nothing of a rolled-back transaction is kept, so every
message's effect still lands exactly once, and a crash mid-batch loses the batch whole.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Generic

from aiokafka import ConsumerRecord

from shop.common.consumer.processor import MessageProcessor, Outcome
from shop.common.consumer.routing import U

logger = logging.getLogger(__name__)
Done = Callable[[ConsumerRecord, Outcome], None]


class BatchProcessor(Generic[U]):
    """Applies up to `size` messages per transaction, isolating the one that fails."""

    def __init__(self, single: MessageProcessor[U], uow_factory: Callable[[], U], size: int):
        self._single = single
        self._uow_factory = uow_factory
        self._size = size

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

    async def _apply(self, chunk: Sequence[ConsumerRecord]) -> list[Outcome]:
        """Commit the longest leading run of `chunk` that applies; the outcomes of that run."""
        outcomes: list[Outcome] = []
        timings: list[float] = []
        try:
            async with self._uow_factory() as uow:
                for record in chunk:
                    started = time.perf_counter()
                    with self._single.span(record) as span:
                        outcome = await self._single.apply_in(record, uow, span)
                        if outcome is None:
                            break
                        span.set_attribute("shop.consumer.outcome", outcome.value)
                    outcomes.append(outcome)
                    timings.append(time.perf_counter() - started)
                await uow.commit()
        except Exception as err:  # the message, or the database: the single path tells which
            # The message in hand failed (or the commit did: then the last one goes alone).
            failed_at = min(len(outcomes), len(chunk) - 1)
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
